import type { Router } from '../http.js';
export function keyRoutes(_r: Router): void {}
