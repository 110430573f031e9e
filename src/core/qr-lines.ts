/**
 * A QR code drawn with Unicode half blocks, two module rows per text line, for verification codes shown in the
 * terminal (OMEMO fingerprints, SecureJoin invitations). Headless: it returns lines, the caller decides where they go.
 *
 * Colours: terminals draw text light on dark, so by default a *light* module (and the quiet zone) is ink (`█`, `▀`,
 * `▄`) and a dark module is a space, which shows the code dark-on-light as scanners expect (what `qrencode -t UTF8`
 * does). `invert` is for light-background terminals. ISO/IEC 18004 §6.3.8 asks for a quiet zone of 4 modules.
 */
import QRCode from 'qrcode';

export interface QrLinesOptions {
  /** Light modules around the symbol; 4 by default (ISO/IEC 18004), 2 still scans with most phone readers. */
  quietZone?: number;
  /** Draws dark modules as ink instead (for terminals with a light background). */
  invert?: boolean;
  /** Error correction level; `M` by default (15 % of the code may be damaged). */
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
}

/** The QR module matrix of `text` (true = dark), without a quiet zone. */
export function qrMatrix(text: string, errorCorrection: QrLinesOptions['errorCorrection'] = 'M'): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: errorCorrection });
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1));
}

/**
 * `text` as a QR code: each line covers two module rows (the upper one in the upper half of the cell), each column
 * one module; the quiet zone is drawn too, so the code scans on any background. Every line has the same width:
 * size + 2 × quiet zone columns; there are ⌈(size + 2 × quiet zone) / 2⌉ lines.
 */
export function qrLines(text: string, options: QrLinesOptions = {}): string[] {
  const quiet = options.quietZone ?? 4;
  const matrix = qrMatrix(text, options.errorCorrection);
  const size = matrix.length + 2 * quiet;
  // Ink where the module is light (or dark, inverted); outside the symbol is the light quiet zone.
  const ink = (r: number, c: number): boolean => {
    const inside = r >= quiet && r < size - quiet && c >= quiet && c < size - quiet;
    const dark = inside && matrix[r - quiet]![c - quiet]!;
    return options.invert ? dark : !dark;
  };
  const lines: string[] = [];
  for (let r = 0; r < size; r += 2) {
    let line = '';
    for (let c = 0; c < size; c++) {
      const top = ink(r, c);
      // An odd total leaves the last line's lower half outside the code: blank (no ink).
      const bottom = r + 1 < size && ink(r + 1, c);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines;
}
