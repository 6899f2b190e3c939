/**
 * LOLWUT's art, as Redis 7.0 draws it: version 5 is Georg Nees's "Schotter" in Braille characters,
 * version 6 a city skyline in the four grays of an 8 bit console. Other versions print the version
 * line alone, as Redis 7.0 does for its own version.
 */
import { REDIS_VERSION } from '../server/info.js';

/** A canvas of small integer colors; drawing outside it is ignored. */
class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  set(x: number, y: number, color: number): void {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return;
    this.pixels[x + y * this.width] = color;
  }

  get(x: number, y: number): number {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return 0;
    return this.pixels[x + y * this.width];
  }

  /** Bresenham's line. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.set(x1, y1, color);
      if (x1 === x2 && y1 === y2) return;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  /** A square of side `size` centered on x,y, rotated by `angle`. */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    const radius = cRound(size / 1.4142135623);
    const px: number[] = [];
    const py: number[] = [];
    let k = Math.PI / 4 + angle;
    for (let j = 0; j < 4; j++) {
      px.push(cRound(Math.sin(k) * radius + x));
      py.push(cRound(Math.cos(k) * radius + y));
      k += Math.PI / 2;
    }
    for (let j = 0; j < 4; j++) this.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }
}

/** C's round(): halves away from zero. */
function cRound(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/** C's rand() % n, from the server's random source. */
function randomBelow(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** LOLWUT VERSION 5 [columns] [squares per row] [squares per column]. */
export function schotter(
  random: () => number,
  columns: number,
  squaresPerRow: number,
  squaresPerColumn: number,
): string {
  const width = columns * 2;
  const padding = width > 4 ? 2 : 0;
  const side = (width - padding * 2) / squaresPerRow;
  const canvas = new Canvas(width, Math.trunc(side * squaresPerColumn + padding * 2), 0);
  for (let y = 0; y < squaresPerColumn; y++) {
    for (let x = 0; x < squaresPerRow; x++) {
      let sx = Math.trunc(x * side + side / 2 + padding);
      let sy = Math.trunc(y * side + side / 2 + padding);
      let angle = 0;
      // Rows further down are rotated and moved more and more at random.
      if (y > 1) {
        let r1 = (random() / squaresPerColumn) * y;
        let r2 = (random() / squaresPerColumn) * y;
        let r3 = (random() / squaresPerColumn) * y;
        if (randomBelow(random, 2)) r1 = -r1;
        if (randomBelow(random, 2)) r2 = -r2;
        if (randomBelow(random, 2)) r3 = -r3;
        angle = r1;
        sx = Math.trunc(sx + (r2 * side) / 3);
        sy = Math.trunc(sy + (r3 * side) / 3);
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return (
    renderBraille(canvas) +
    `\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${REDIS_VERSION}\n`
  );
}

/** Each 2x4 block of pixels becomes one Braille character (UTF-8 bytes as latin1). */
function renderBraille(canvas: Canvas): string {
  const rows = Math.ceil(canvas.height / 4);
  const columns = Math.ceil(canvas.width / 2);
  const out = Buffer.alloc(rows * (columns * 3 + 1));
  let at = 0;
  for (let y = 0; y < canvas.height; y += 4) {
    for (let x = 0; x < canvas.width; x += 2) {
      const dots =
        canvas.get(x, y) |
        (canvas.get(x, y + 1) << 1) |
        (canvas.get(x, y + 2) << 2) |
        (canvas.get(x + 1, y) << 3) |
        (canvas.get(x + 1, y + 1) << 4) |
        (canvas.get(x + 1, y + 2) << 5) |
        (canvas.get(x, y + 3) << 6) |
        (canvas.get(x + 1, y + 3) << 7);
      // U+2800 + dots in UTF-8: 1110xxxx 10xxxxxx 10xxxxxx.
      const code = 0x2800 + dots;
      out[at++] = 0xe0 | (code >> 12);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    }
    if (y !== canvas.height - 1) out[at++] = 10;
  }
  return out.latin1Slice(0, at);
}

/** LOLWUT VERSION 6 [columns] [rows]. */
export function skyline(random: () => number, columns: number, rows: number): string {
  const canvas = new Canvas(columns, rows, 3);
  // Background buildings without windows, the lighter ones behind.
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < canvas.width;) {
      offset += randomBelow(random, 8);
      const width = 10 + randomBelow(random, 9);
      const divisor = color === 2 ? 2 : 3;
      const height =
        Math.trunc(canvas.height / 2) + Math.trunc(randomBelow(random, canvas.height) / divisor);
      building(canvas, random, { offset, width, height, windows: false, color });
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  // Foreground buildings with windows.
  for (let offset = -10; offset < canvas.width;) {
    offset += randomBelow(random, 8);
    let width = 5 + randomBelow(random, 14);
    if (width % 4) width += width % 3;
    const height =
      Math.trunc(canvas.height / 3) + Math.trunc(randomBelow(random, canvas.height) / 2);
    building(canvas, random, { offset, width, height, windows: true, color: 0 });
    offset += width + 5;
  }
  return (
    renderGrays(canvas) +
    '\nDedicated to the 8 bit game developers of past and present.\n' +
    `Original 8 bit image from Plaguemon by hikikomori. Redis ver. ${REDIS_VERSION}\n`
  );
}

interface Building {
  offset: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

function building(canvas: Canvas, random: () => number, b: Building): void {
  const startY = canvas.height - 1;
  const endY = startY - b.height + 1;
  for (let y = startY; y >= endY; y--) {
    for (let x = b.offset; x < b.offset + b.width; x++) {
      // The roof is four pixels narrower.
      if (y === endY && (x <= b.offset + 1 || x >= b.offset + b.width - 2)) continue;
      let color = b.color;
      const inside =
        x > b.offset + 1 && x < b.offset + b.width - 2 && y > endY + 1 && y < startY - 1;
      if (b.windows && inside) {
        const relX = x - (b.offset + 1);
        const relY = y - (endY + 1);
        // Windows two pixels wide, one tall: terminal cells are not square.
        if (Math.trunc(relX / 2) % 2 && relY % 2) {
          do color = 1 + randomBelow(random, 2);
          while (color === b.color);
          if (relX % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.set(x, y, color);
    }
  }
}

const GRAYS = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'].map(
  (color) => `\x1b[${color} \x1b[0m`,
);

function renderGrays(canvas: Canvas): string {
  const rows: string[] = [];
  for (let y = 0; y < canvas.height; y++) {
    const cells: string[] = [];
    for (let x = 0; x < canvas.width; x++) cells.push(GRAYS[canvas.get(x, y)]);
    rows.push(cells.join(''));
  }
  return rows.join('\n');
}
