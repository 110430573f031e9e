/** Request size limits: JSON bodies, and media uploads (announced as m.upload.size). */
export const JSON_LIMIT_BYTES = 10 * 1024 * 1024;
export const MEDIA_LIMIT_BYTES = 50 * 1024 * 1024;
