/**
 * qrLines draws the qrcode package's module matrix with half blocks: checked cell by cell against the matrix (upper
 * half = even row, lower half = odd row), with the quiet zone, widths and line count, inverted and not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { qrLines, qrMatrix } from '../../../src/core/qr-lines.js';

const URI = 'xmpp:alice@example.org?omemo-sid-1234567=' + 'ab'.repeat(32);

/** Reads the lines back into a module grid (true = ink). */
function inkGrid(lines: string[]): boolean[][] {
  const grid: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    grid.push(chars.map((ch) => ch === '█' || ch === '▀'));
    grid.push(chars.map((ch) => ch === '█' || ch === '▄'));
  }
  return grid;
}

describe('qrLines', () => {
  it('the matrix is a QR symbol: square, 17 + 4·version modules, finder pattern in the corners', () => {
    const m = qrMatrix(URI);
    assert.equal((m.length - 17) % 4, 0);
    for (const row of m) assert.equal(row.length, m.length);
    // Finder pattern (ISO/IEC 18004 §6.3.3): a dark 7×7 ring, light ring inside it, dark 3×3 centre.
    const n = m.length;
    for (const [r0, c0] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
      for (let i = 0; i < 7; i++) {
        assert.equal(m[r0]![c0 + i], true);
        assert.equal(m[r0 + 6]![c0 + i], true);
        assert.equal(m[r0 + i]![c0], true);
        assert.equal(m[r0 + i]![c0 + 6], true);
      }
      assert.equal(m[r0 + 1]![c0 + 1], false);
      assert.equal(m[r0 + 3]![c0 + 3], true);
    }
  });

  it('maps each light module to ink, two rows per line, inside a quiet zone of 4', () => {
    const m = qrMatrix(URI);
    const lines = qrLines(URI);
    const size = m.length + 8;
    assert.equal(lines.length, Math.ceil(size / 2));
    for (const l of lines) assert.equal([...l].length, size);
    assert.ok(lines.every((l) => /^[█▀▄ ]+$/.test(l)), 'only half blocks, full blocks and spaces');
    const grid = inkGrid(lines);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const inside = r >= 4 && r < size - 4 && c >= 4 && c < size - 4;
        const expected = inside ? !m[r - 4]![c - 4] : true;
        assert.equal(grid[r]![c], expected, `module ${r},${c}`);
      }
    }
    // The symbol's size is odd, so with an even quiet zone the last line's lower half is outside the code: blank.
    assert.equal(size % 2, 1);
    assert.ok([...lines.at(-1)!].every((ch) => ch === '▀'), 'last line: quiet zone in the upper half only');
    assert.equal(lines[0], '█'.repeat(size), 'first line: two rows of quiet zone');
  });

  it('quiet zone size and inversion', () => {
    const m = qrMatrix(URI);
    const lines = qrLines(URI, { quietZone: 1, invert: true });
    const size = m.length + 2;
    assert.equal(lines.length, Math.ceil(size / 2));
    const grid = inkGrid(lines);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const inside = r >= 1 && r < size - 1 && c >= 1 && c < size - 1;
        assert.equal(grid[r]![c], inside ? m[r - 1]![c - 1]! : false, `module ${r},${c}`);
      }
    }
  });

  it('is deterministic and grows with the text', () => {
    assert.deepEqual(qrLines(URI), qrLines(URI));
    assert.ok(qrLines(URI + URI).length > qrLines('xmpp:a@b').length);
  });
});
