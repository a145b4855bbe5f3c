// A page's ruling lines, from its operator list: straight horizontal and vertical strokes and
// thin filled rectangles, in page space (origin top-left, y down). Ruled tables are built on them.
import type { PDFOperatorList } from 'pdfjs-dist/types/src/display/api';
import type { PdfJs } from './pdf-loader';
import { multiply, type Matrix } from './pdf-fragments';

/** A horizontal rule runs at y = `at` from x = `from` to `to`; a vertical one at x = `at`. */
export interface Rule {
  at: number;
  from: number;
  to: number;
}

export interface Rules {
  h: Rule[];
  v: Rule[];
}

/** Shorter strokes are glyph-like marks (bullets, ticks), not cell borders. */
const MIN_LENGTH = 4;
/** Word and LibreOffice draw cell borders as filled rectangles 0.5–1.5 pt thick. */
const MAX_FILL_THICKNESS = 2.5;
/** Filled boxes up to this tall (pt) are shaded table cells; taller ones are panels or pages. */
const MAX_CELL_FILL = 60;
/** Charts and maps draw thousands of lines; a page past this is not read for tables. */
const MAX_PIECES = 5000;
/** Ends closer than this (pt) are the same line drawn in pieces, cell by cell. */
const JOIN_TOLERANCE = 1.5;
/** Coloured areas remembered for white lines drawn over them; more are gradients or drawings. */
const MAX_BACKGROUNDS = 200;

interface GState {
  ctm: Matrix;
  stroke: string;
  fill: string;
}

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** White, or so nearly white that it does not show on a white page. */
function white(hex: string): boolean {
  return /^#(f[0-9a-f]){3}$/i.test(hex);
}

function boxOf(points: number[][]): Box {
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

/**
 * White lines on a white page are invisible, and some generators draw them as spacers; on a
 * coloured panel or cell they are the borders that part the cells.
 */
function onColour(points: number[][], backgrounds: Box[]): boolean {
  const b = boxOf(points);
  const [x, y] = [(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2];
  return backgrounds.some((g) => x >= g.x0 && x <= g.x1 && y >= g.y0 - 1 && y <= g.y1 + 1);
}

/** Straight sub-paths of pdf.js's path data (DrawOPS: 0 moveTo, 1 lineTo, 2 curveTo, 3 quadTo, 4 close). */
function subpaths(data: ArrayLike<number>, ctm: Matrix): Array<{ points: number[][]; curved: boolean }> {
  const out: Array<{ points: number[][]; curved: boolean }> = [];
  let current: { points: number[][]; curved: boolean } | undefined;
  const at = (x: number, y: number) => [ctm[0]! * x + ctm[2]! * y + ctm[4]!, ctm[1]! * x + ctm[3]! * y + ctm[5]!];
  for (let i = 0; i < data.length;) {
    const op = data[i++];
    if (op === 0) {
      current = { points: [at(data[i]!, data[i + 1]!)], curved: false };
      out.push(current);
      i += 2;
    } else if (op === 1) {
      current?.points.push(at(data[i]!, data[i + 1]!));
      i += 2;
    } else if (op === 2 || op === 3) {
      if (current) current.curved = true;
      i += op === 2 ? 6 : 4;
    } else if (op === 4) {
      if (current?.points.length) current.points.push(current.points[0]!);
    } else {
      break;
    }
  }
  return out;
}

function addStroke(points: number[][], rules: Rules): void {
  for (let k = 1; k < points.length; k++) {
    const [ax, ay] = points[k - 1]!;
    const [bx, by] = points[k]!;
    if (Math.abs(ay! - by!) < 0.5 && Math.abs(ax! - bx!) >= MIN_LENGTH)
      rules.h.push({ at: (ay! + by!) / 2, from: Math.min(ax!, bx!), to: Math.max(ax!, bx!) });
    else if (Math.abs(ax! - bx!) < 0.5 && Math.abs(ay! - by!) >= MIN_LENGTH)
      rules.v.push({ at: (ax! + bx!) / 2, from: Math.min(ay!, by!), to: Math.max(ay!, by!) });
  }
}

function addFill(points: number[][], rules: Rules): void {
  const { x0, x1, y0, y1 } = boxOf(points);
  if (y1 - y0 <= MAX_FILL_THICKNESS && x1 - x0 >= MIN_LENGTH) {
    rules.h.push({ at: (y0 + y1) / 2, from: x0, to: x1 });
  } else if (x1 - x0 <= MAX_FILL_THICKNESS && y1 - y0 >= MIN_LENGTH) {
    rules.v.push({ at: (x0 + x1) / 2, from: y0, to: y1 });
  } else if (y1 - y0 <= MAX_CELL_FILL && points.every((p) => onBox(p, x0, x1, y0, y1))) {
    // A shaded cell: header rows are often drawn as fills with no border around them.
    rules.h.push({ at: y0, from: x0, to: x1 }, { at: y1, from: x0, to: x1 });
    rules.v.push({ at: x0, from: y0, to: y1 }, { at: x1, from: y0, to: y1 });
  }
}

function onBox([x, y]: number[], x0: number, x1: number, y0: number, y1: number): boolean {
  const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
  return (near(x!, x0) || near(x!, x1)) && (near(y!, y0) || near(y!, y1));
}

/** Collinear pieces that touch or overlap become one rule. */
function join(rules: Rule[]): Rule[] {
  const sorted = [...rules].sort((a, b) => a.at - b.at || a.from - b.from);
  const out: Rule[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && Math.abs(r.at - last.at) <= JOIN_TOLERANCE && r.from <= last.to + JOIN_TOLERANCE) {
      last.to = Math.max(last.to, r.to);
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

/**
 * Walks the operator list keeping the current transformation matrix (save/restore, transform,
 * form XObjects) and colours. pdf.js ≥ 5 folds the painting operator into `constructPath`:
 * args are [paint op, [path data], bounding box]. Returns null for a page too busy to be a table.
 */
export function extractRules(list: PDFOperatorList, OPS: PdfJs['OPS'], viewport: Matrix): Rules | null {
  const strokeOps = new Set<number>([
    OPS.stroke,
    OPS.closeStroke,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const fillOps = new Set<number>([
    OPS.fill,
    OPS.eoFill,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const rules: Rules = { h: [], v: [] };
  const backgrounds: Box[] = [];
  const stack: GState[] = [];
  let gs: GState = { ctm: viewport, stroke: '#000000', fill: '#000000' };
  const { fnArray, argsArray } = list;
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save || fn === OPS.paintFormXObjectBegin) {
      stack.push(gs);
      gs = { ...gs };
      const m = fn === OPS.paintFormXObjectBegin ? (args?.[0] as Matrix | null) : null;
      if (m?.length === 6) gs.ctm = multiply(gs.ctm, Array.from(m));
    } else if (fn === OPS.restore || fn === OPS.paintFormXObjectEnd) {
      gs = stack.pop() ?? gs;
    } else if (fn === OPS.transform && args) {
      gs.ctm = multiply(gs.ctm, args as Matrix);
    } else if (fn === OPS.setStrokeRGBColor && typeof args?.[0] === 'string') {
      gs.stroke = args[0];
    } else if (fn === OPS.setFillRGBColor && typeof args?.[0] === 'string') {
      gs.fill = args[0];
    } else if (fn === OPS.constructPath && args) {
      const paint = args[0] as number;
      const data = (args[1] as Array<ArrayLike<number> | null> | undefined)?.[0];
      const stroked = strokeOps.has(paint);
      const filled = fillOps.has(paint);
      if (!data || (!stroked && !filled)) continue;
      for (const path of subpaths(data, gs.ctm)) {
        if (path.curved) continue;
        const seen = (colour: string) => !white(colour) || onColour(path.points, backgrounds);
        if (stroked && seen(gs.stroke)) addStroke(path.points, rules);
        if (!filled || path.points.length < 3 || !seen(gs.fill)) continue;
        addFill(path.points, rules);
        const box = boxOf(path.points);
        const area = Math.min(box.x1 - box.x0, box.y1 - box.y0) > MAX_FILL_THICKNESS;
        const rectangle = path.points.every((p) => onBox(p, box.x0, box.x1, box.y0, box.y1));
        if (area && rectangle && !white(gs.fill) && backgrounds.length < MAX_BACKGROUNDS) backgrounds.push(box);
      }
      if (rules.h.length + rules.v.length > MAX_PIECES) return null;
    }
  }
  return { h: join(rules.h), v: join(rules.v) };
}
