/**
 * Variable scopes for every instruction of a stage in linear memory: each stage keeps, per variable name, the list
 * of (position, value) assignments in order, and a scope is a view "as of position p" that finds a value by binary
 * search. A stage's view falls back to the ENV of the stage it builds on. A file with n ARG/ENV lines costs O(n)
 * memory and O(log n) per lookup, where copying a map per instruction cost O(n²) (an OOM on 12,000 ENV lines).
 */

/** Assignment history of one stage. */
export class History<V> {
	private readonly byName = new Map<string, { readonly at: number; readonly value: V }[]>();

	/** Records `name = value` at position `at` (positions must not decrease). */
	set(name: string, value: V, at: number): void {
		let list = this.byName.get(name);
		if (!list) {
			list = [];
			this.byName.set(name, list);
		}
		list.push({ at, value });
	}

	/** The value of `name` set before position `at`, if any. */
	lookup(name: string, at: number): { value: V } | undefined {
		const list = this.byName.get(name);
		if (!list || list.length === 0 || list[0].at >= at) {
			return undefined;
		}
		let lo = 0;
		let hi = list.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (list[mid].at < at) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		return list[lo];
	}

	/** Names with a value set before position `at`. */
	names(at: number): string[] {
		return [...this.byName.keys()].filter((n) => this.lookup(n, at) !== undefined);
	}
}

/** The variables visible at one position: a history as of that position, over an inherited scope. */
export class Scope<V> implements ReadonlyMap<string, V> {
	constructor(
		private readonly history: History<V>,
		private readonly at: number,
		private readonly inherited: ReadonlyMap<string, V> | undefined,
	) {}

	/** The empty scope. */
	static empty<V>(): Scope<V> {
		return new Scope<V>(new History<V>(), 0, undefined);
	}

	get(name: string): V | undefined {
		const own = this.history.lookup(name, this.at);
		return own ? own.value : this.inherited?.get(name);
	}

	has(name: string): boolean {
		return this.history.lookup(name, this.at) !== undefined || (this.inherited?.has(name) ?? false);
	}

	private flatten(): Map<string, V> {
		const flat = new Map<string, V>(this.inherited ?? []);
		for (const name of this.history.names(this.at)) {
			flat.set(name, this.history.lookup(name, this.at)!.value);
		}
		return flat;
	}

	get size(): number {
		return this.flatten().size;
	}

	forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
		this.flatten().forEach((v, k) => callback(v, k, this));
	}

	entries(): MapIterator<[string, V]> {
		return this.flatten().entries();
	}

	keys(): MapIterator<string> {
		return this.flatten().keys();
	}

	values(): MapIterator<V> {
		return this.flatten().values();
	}

	[Symbol.iterator](): MapIterator<[string, V]> {
		return this.entries();
	}
}
