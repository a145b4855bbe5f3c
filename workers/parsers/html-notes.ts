// Notes (role="note": "Main article: …", "See also: …", "This article is about … For other uses,
// see …") are short and mostly links, so Readability's link-density check throws them away with
// the boilerplate. They belong to the article: put back the ones from inside the part of the page
// Readability kept, where they stood.

const NOTES = '[role="note"], [role="doc-notice"], [role="doc-tip"]';
const MARK = 'data-fennel-n';

interface Marked {
  parent: number[];
  /** Index of the last element in each element's subtree, in document order. */
  end: number[];
}

/** Numbers every element in document order; iterative, as hostile pages nest thousands deep. */
function markAll(root: Element): Marked {
  const parent: number[] = [];
  const end: number[] = [];
  const stack: Array<{ el: Element; index: number; parentIndex: number; entered: boolean }> = [
    { el: root, index: -1, parentIndex: -1, entered: false },
  ];
  let next = 0;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.entered) {
      end[top.index] = next - 1;
      stack.pop();
      continue;
    }
    top.entered = true;
    top.index = next++;
    parent[top.index] = top.parentIndex;
    top.el.setAttribute(MARK, String(top.index));
    const children = Array.from(top.el.children);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ el: children[i]!, index: -1, parentIndex: top.index, entered: false });
    }
  }
  return { parent, end };
}

/**
 * Call on the document Readability is about to read; the returned function puts the notes it
 * dropped back into the content it produced.
 */
export function noteKeeper(document: Document): (content: Element) => void {
  const body = document.body;
  const found = body ? Array.from(body.querySelectorAll(NOTES)) : [];
  const outermost = found.filter((n) => !found.some((o) => o !== n && o.contains(n)));
  if (!body || !outermost.length) return () => undefined;
  const { parent, end } = markAll(body);
  // Readability detaches what it drops; copies taken now survive that.
  const notes = outermost.map((el) => ({ index: Number(el.getAttribute(MARK)), copy: el.cloneNode(true) as Element }));

  return (content) => {
    const kept = new Map<number, Element>();
    for (const el of Array.from(content.querySelectorAll(`[${MARK}]`))) kept.set(Number(el.getAttribute(MARK)), el);
    const sorted = [...kept.keys()].sort((a, b) => a - b);
    /** The first kept index at or after `from`, if any. */
    const firstKept = (from: number) => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < from) lo = mid + 1;
        else hi = mid;
      }
      return sorted[lo];
    };
    const keptIn = (from: number, to: number) => (firstKept(from) ?? Infinity) <= to;
    // The outermost kept elements are the containers Readability chose; in document order a
    // subtree is a contiguous range, so one pass finds them.
    const containers: number[] = [];
    for (const i of sorted) if (!containers.length || i > end[containers[containers.length - 1]!]!) containers.push(i);
    for (const { index, copy } of notes) {
      if (keptIn(index, end[index]!)) continue;
      const container = containers.find((c) => c < index && index <= end[c]!);
      if (container === undefined) continue;
      // A note inside a box Readability removed (related links, comments) goes with the box;
      // an ancestor that was only unwrapped still has kept content besides the note.
      let dropped = false;
      for (let p = parent[index]!; p !== container && !dropped; p = parent[p]!) {
        dropped = !kept.has(p) && !keptIn(p, index - 1) && !keptIn(end[index]! + 1, end[p]!);
      }
      if (dropped) continue;
      const anchor = firstKept(end[index]! + 1);
      if (anchor === undefined || anchor > end[container]!) kept.get(container)!.append(copy);
      else kept.get(anchor)!.before(copy);
    }
  };
}
