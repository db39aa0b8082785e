# SPDX-License-Identifier: GPL-2.0-or-later
"""A small deterministic all-pairs (pairwise) test-set generator.

Every value of every parameter meets every value of every other parameter
in at least one row, unless the rules forbid that pair.  Greedy, in the
style of AETG: each new row starts from the not yet covered pair that
lets it cover the most new pairs, and fills the other parameters one by
one with the value adding the most new pairs.  Ties go to the earlier
pair and the earlier value, so the same input always gives the same rows
(no randomness).

@params: [(name, [value, ...]), ...], in the order rows are filled.
@allowed(partial): False when the partially filled row (a dict) already
breaks a rule.  Rules must only look at the parameters present, and
every allowed pair must be completable to an allowed row.
"""
import itertools


def allowed_pairs(params, allowed):
    """Every pair ((name, value), (name, value)) the rules allow, in
    parameter order."""
    pairs = []
    for (a, avals), (b, bvals) in itertools.combinations(params, 2):
        for va in avals:
            for vb in bvals:
                if allowed({a: va, b: vb}):
                    pairs.append(((a, va), (b, vb)))
    return pairs


def pairs_of(row, names):
    """The pairs a (possibly partial) row covers."""
    present = [n for n in names if n in row]
    return {((a, row[a]), (b, row[b]))
            for a, b in itertools.combinations(present, 2)}


def _new_pairs_with(row, name, value, names, todo):
    """How many uncovered pairs setting @name=@value in @row would cover."""
    pos = names.index(name)
    count = 0
    for other in row:
        if names.index(other) < pos:
            pair = ((other, row[other]), (name, value))
        else:
            pair = ((name, value), (other, row[other]))
        count += pair in todo
    return count


def _complete(seed, params, allowed, todo):
    """A full row from @seed, each free parameter given its best value."""
    names = [n for n, _ in params]
    row = {name: value for name, value in seed}
    for name, values in params:
        if name in row:
            continue
        best, best_gain = None, -1
        for value in values:
            if not allowed(dict(row, **{name: value})):
                continue
            gain = _new_pairs_with(row, name, value, names, todo)
            if gain > best_gain:
                best, best_gain = value, gain
        if best_gain < 0:
            raise ValueError("no allowed value of %s completes %r"
                             % (name, row))
        row[name] = best
    return {n: row[n] for n in names}


def _drop_redundant(rows, names):
    """Rows whose pairs the others all cover, removed last first."""
    for i in reversed(range(len(rows))):
        others = set().union(*(pairs_of(r, names)
                               for j, r in enumerate(rows) if j != i))
        if pairs_of(rows[i], names) <= others:
            del rows[i]
    return rows


def generate(params, allowed):
    """Rows (dicts, keys in parameter order) covering every allowed pair."""
    names = [n for n, _ in params]
    candidates = allowed_pairs(params, allowed)
    todo = set(candidates)
    rows = []
    while todo:
        best, best_gain = None, 0
        for seed in candidates:
            if seed not in todo:
                continue
            row = _complete(seed, params, allowed, todo)
            gain = len(pairs_of(row, names) & todo)
            if gain > best_gain:
                best, best_gain = row, gain
        todo -= pairs_of(best, names)
        rows.append(best)
    return _drop_redundant(rows, names)
