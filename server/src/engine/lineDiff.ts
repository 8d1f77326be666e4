/**
 * The line diff shared by the CLI's `--diff` and the editor's fix-all edits: Myers' shortest edit script over any
 * line type (the CLI's lines drop their terminators, the editor's keep them so a changed line end is a change).
 */

/** One step of an edit script: keep (` `), remove (`-`) or add (`+`) a line. */
export interface DiffOp<T> {
	readonly kind: ' ' | '-' | '+';
	readonly line: T;
}

/** Beyond this many changed lines the diff stops searching for the shortest script (see {@link editScript}). */
const MAX_EDIT_DISTANCE = 4000;

/**
 * Myers' O(ND) shortest edit script. Fixes change a few lines of files that can be long, so the cost follows the
 * number of changes, not the file's length squared; each step keeps only its 2d+3 window of the frontier, so memory
 * is O(D²). A text that differs in more than {@link MAX_EDIT_DISTANCE} lines (no fix does that) gets a correct but
 * coarse script: common head and tail kept, the middle removed and re-added.
 */
export function editScript<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): DiffOp<T>[] {
	const n = a.length;
	const m = b.length;
	const max = Math.min(n + m, MAX_EDIT_DISTANCE);
	const offset = max + 1;
	const v = new Int32Array(2 * max + 3);
	// trace[d] is the frontier before step d, for diagonals -d-1..d+1 (index k + d + 1).
	const trace: Int32Array[] = [];
	let found = false;
	for (let d = 0; d <= max && !found; d++) {
		trace.push(v.slice(offset - d - 1, offset + d + 2));
		for (let k = -d; k <= d; k += 2) {
			let x =
				k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
			let y = x - k;
			while (x < n && y < m && same(a[x], b[y])) {
				x++;
				y++;
			}
			v[offset + k] = x;
			if (x >= n && y >= m) {
				found = true;
				break;
			}
		}
	}
	if (!found) {
		return coarseScript(a, b, same);
	}
	// Walk the trace back from the end to recover the path.
	const ops: DiffOp<T>[] = [];
	let x = n;
	let y = m;
	for (let d = trace.length - 1; d >= 0; d--) {
		const vd = trace[d];
		const at = (k: number): number => vd[k + d + 1];
		const k = x - y;
		const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
		const prevX = d === 0 ? 0 : at(prevK);
		const prevY = d === 0 ? 0 : prevX - prevK;
		while (x > prevX && y > prevY) {
			ops.push({ kind: ' ', line: a[--x] });
			y--;
		}
		if (d > 0) {
			if (x === prevX) {
				ops.push({ kind: '+', line: b[--y] });
			} else {
				ops.push({ kind: '-', line: a[--x] });
			}
		}
	}
	return ops.reverse();
}

function coarseScript<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): DiffOp<T>[] {
	let head = 0;
	while (head < a.length && head < b.length && same(a[head], b[head])) {
		head++;
	}
	let tail = 0;
	while (tail < a.length - head && tail < b.length - head && same(a[a.length - 1 - tail], b[b.length - 1 - tail])) {
		tail++;
	}
	return [
		...a.slice(0, head).map((line): DiffOp<T> => ({ kind: ' ', line })),
		...a.slice(head, a.length - tail).map((line): DiffOp<T> => ({ kind: '-', line })),
		...b.slice(head, b.length - tail).map((line): DiffOp<T> => ({ kind: '+', line })),
		...a.slice(a.length - tail).map((line): DiffOp<T> => ({ kind: ' ', line })),
	];
}
