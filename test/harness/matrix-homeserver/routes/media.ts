import type { Router } from '../http.js';
export function mediaRoutes(_r: Router): void {}
