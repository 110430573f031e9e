/**
 * Decoding a received image for a preview: PNG (pngjs) and JPEG (jpeg-js) into RGBA pixels. The dimensions are read
 * from the header first, so a huge image is refused in plain words before a byte of it is decoded (a 20000×20000 PNG
 * would need 1.6 GB of RGBA), and a broken file gives an {@link ImageError}, never a crash.
 */
import { readFile, stat } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { NatterError } from '../../core/errors.js';

/** Decoded pixels: `data` holds width × height × 4 bytes (R, G, B, A), row by row. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Why an image cannot be previewed (user-facing message; the cause is the decoder's error, if any). */
export class ImageError extends NatterError {
  override name = 'ImageError';
}

/** Limits on what natter decodes for a preview. */
export const imageLimits = {
  /** Largest file read (bytes). */
  maxFileBytes: 32 * 1024 * 1024,
  /** Longest side (pixels). */
  maxSide: 10_000,
  /** Most pixels (width × height): 24 megapixels, about 96 MB of RGBA. */
  maxPixels: 24_000_000,
};

export type ImageFormat = 'png' | 'jpeg';

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The format and dimensions from the file's header, without decoding: PNG's IHDR chunk (RFC 2083 §4.1.1: the first
 * chunk, width and height as big-endian 32-bit at offsets 16 and 20) or JPEG's first SOFn segment (ITU T.81 §B.2.2:
 * after FFD8, segments FFxx + 16-bit length; SOF0–SOF15 except DHT C4, JPG C8 and DAC CC carry height then width).
 * Undefined when the bytes are neither.
 */
export function imageHeader(bytes: Uint8Array): { format: ImageFormat; width: number; height: number } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 24 && b.subarray(0, 8).equals(pngSignature) && b.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i += 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2; // markers without a length
        continue;
      }
      const length = b.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) {
        if (i + 9 > b.length) return undefined;
        return { format: 'jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      }
      if (marker === 0xd9 || marker === 0xda || length < 2) return undefined;
      i += 2 + length;
    }
  }
  return undefined;
}

/** Decodes PNG or JPEG bytes; throws an {@link ImageError} for other formats, huge or broken images. */
export function decodeImage(bytes: Uint8Array, name = 'the image'): Rgba {
  const header = imageHeader(bytes);
  if (!header) throw new ImageError(`${name} is not a PNG or JPEG image natter can preview`);
  const { width, height, format } = header;
  if (width === 0 || height === 0) throw new ImageError(`${name} is broken (it says it is ${width}×${height} pixels)`);
  if (width > imageLimits.maxSide || height > imageLimits.maxSide || width * height > imageLimits.maxPixels) {
    throw new ImageError(`${name} is too large to preview (${width}×${height} pixels); /open it instead`);
  }
  try {
    if (format === 'png') {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    const j = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: imageLimits.maxPixels / 1_000_000,
      maxMemoryUsageInMB: 512,
    });
    return { width: j.width, height: j.height, data: j.data };
  } catch (e) {
    throw new ImageError(`${name} is broken: it could not be decoded as ${format.toUpperCase()}`, { cause: e });
  }
}

/** Reads and decodes an image file, refusing files over {@link imageLimits}.maxFileBytes before reading them. */
export async function loadImage(path: string, name = 'the image'): Promise<Rgba> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new ImageError(`${name} could not be read`, { cause: e });
  }
  if (size > imageLimits.maxFileBytes) {
    throw new ImageError(`${name} is too large to preview (${(size / 1048576).toFixed(1)} MB); /open it instead`);
  }
  return decodeImage(await readFile(path), name);
}
