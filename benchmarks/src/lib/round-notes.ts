/**
 * Notes of a case measured in rounds, said once: each round's load run writes its own notes
 * (loadgen.ts `loadNotes`), so six rounds of a closing server used to print the same sentence six
 * times with a different latency in each. Notes are grouped by their wording with the numbers
 * taken out; within a group a number that is the same in every round stays, a count of events
 * "during the run" is summed ("… over 9 rounds"), and any other number becomes the range of the
 * rounds ("2.30–2.98 ms"). A note that some rounds lack says in how many it appeared.
 *
 * It works on the text, so the renderer can apply it to results written before it existed; a
 * stored note that is alone in its group (an aggregated one, say) comes back unchanged.
 */

/** The ending of a note that counts events of one load run: over several rounds they add up. */
const COUNT_SUFFIX = ' during the run';

/**
 * A number standing alone: not part of a word ("non-2xx", "p99") nor of a number written with
 * separators ("1,000", a version "7.0.15"), which stay literal text.
 */
const NUMBER = /(?<![\w.,])\d+(?:\.\d+)?(?!\w|[.,]\d)/g;

interface Parsed {
  /** The literal text between the numbers (one more than `numbers`). */
  readonly literals: readonly string[];
  /** The numbers as written, so an unchanged one keeps its formatting. */
  readonly numbers: readonly string[];
}

function parse(note: string): Parsed {
  const literals: string[] = [];
  const numbers: string[] = [];
  let last = 0;
  for (const match of note.matchAll(NUMBER)) {
    literals.push(note.slice(last, match.index));
    numbers.push(match[0]);
    last = match.index + match[0].length;
  }
  literals.push(note.slice(last));
  return { literals, numbers };
}

function decimals(text: string): number {
  return text.split('.')[1]?.length ?? 0;
}

/** One position's numbers across the rounds: kept, summed or turned into a range. */
function combine(values: readonly string[], sum: boolean): string {
  const first = values[0] ?? '';
  if (sum) return total(values);
  if (values.every((value) => value === first)) return first;
  const sorted = [...values].sort((a, b) => Number(a) - Number(b));
  const low = sorted[0] ?? first;
  const high = sorted[sorted.length - 1] ?? first;
  return Number(low) === Number(high) ? low : `${low}–${high}`;
}

function total(values: readonly string[]): string {
  const places = Math.max(...values.map(decimals));
  return values.reduce((sum, value) => sum + Number(value), 0).toFixed(places);
}

/**
 * Where the notes come from. `per-round`: every round's notes, each round listed (rounds.ts), so
 * counts add up and a note's rounds can be counted. `stored`: a case's notes as an older results
 * file kept them — identical notes of different rounds already merged — so nothing is summed
 * (a count becomes its range per round) and a note's rounds are not counted.
 */
export type NoteSource = 'per-round' | 'stored';

/** The notes of `rounds` rounds aggregated: one note per wording, in the order each first appears. */
export function aggregateNotes(notes: readonly string[], rounds: number, source: NoteSource): string[] {
  const groups = new Map<string, Parsed[]>();
  for (const note of notes) {
    const parsed = parse(note);
    const key = parsed.literals.join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), parsed]);
  }
  const perRound = source === 'per-round';
  const out: string[] = [];
  for (const group of groups.values()) {
    const [first] = group;
    if (first === undefined) continue;
    // A stored note without siblings may already be aggregated: it stays as it is.
    if (!perRound && group.length === 1) {
      out.push(joinParts(first.literals, first.numbers));
      continue;
    }
    const tail = first.literals[first.literals.length - 1] ?? '';
    const counts = tail.endsWith(COUNT_SUFFIX);
    const numbers = first.numbers.map((_, index) =>
      combine(
        group.map((parsed) => parsed.numbers[index] ?? ''),
        counts && perRound,
      ),
    );
    const literals = [...first.literals];
    if (counts) {
      const stem = tail.slice(0, -COUNT_SUFFIX.length);
      // Summed over every round (a round without the note counted none), or, from a stored
      // file that merged equal notes, the range of one round's count.
      literals[literals.length - 1] = perRound ? `${stem} over ${rounds} rounds` : `${stem} per round`;
      out.push(joinParts(literals, numbers));
      continue;
    }
    const text = joinParts(literals, numbers);
    out.push(perRound && group.length < rounds ? `in ${group.length} of ${rounds} rounds: ${text}` : text);
  }
  return out;
}

function joinParts(literals: readonly string[], numbers: readonly string[]): string {
  return literals.map((literal, index) => literal + (numbers[index] ?? '')).join('');
}
