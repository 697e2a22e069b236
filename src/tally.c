#include "tally.h"

#include <stdlib.h>

int tally_quorum(int64_t present, int64_t members, int num, int den)
{
	if (members <= 0 || den <= 0)
		return 0;
	return present * den >= members * num;
}

int64_t tally_quorum_needed(int64_t members, int num, int den)
{
	if (den <= 0)
		return 0;
	/* ceil(members*num/den) */
	return (members * num + den - 1) / den;
}

int tally_passes(int64_t votes_for, int64_t base, struct tally_rule r)
{
	if (base <= 0 || r.den <= 0)
		return 0;
	return r.strict ? votes_for * r.den > base * r.num : votes_for * r.den >= base * r.num;
}

int64_t tally_needed(int64_t base, struct tally_rule r)
{
	if (base <= 0 || r.den <= 0)
		return 1;
	if (r.strict)
		return base * r.num / r.den + 1; /* floor + 1 */
	return (base * r.num + r.den - 1) / r.den;
}

int tally_rating_valid(int grades)
{
	return grades == 1;
}

int tally_rating_passes(int64_t satisfied, int64_t basic, int64_t valid, int pass_pct)
{
	return tally_passes(satisfied + basic, valid, (struct tally_rule){pass_pct, 100, 1});
}

void tally_candidate_range(struct tally_cand_rule r, int seats, int *min, int *max)
{
	int by_ratio = r.ratio_pct > 0 ? (seats * r.ratio_pct + 99) / 100 : 0; /* ceil(seats * ratio_pct / 100) */
	*min = seats + r.extra_min;
	if (by_ratio > *min)
		*min = by_ratio;
	*max = r.extra_max >= 0 ? seats + r.extra_max : TALLY_NO_MAX;
}

int tally_candidates_check(struct tally_cand_rule r, int seats, int n)
{
	int min, max;
	tally_candidate_range(r, seats, &min, &max);
	return n < min ? -1 : n > max ? 1 : 0;
}

int tally_ballot_valid(int for_marks, int seats)
{
	return for_marks >= 0 && for_marks <= seats;
}

int tally_round_valid(int64_t issued, int64_t returned)
{
	return returned <= issued;
}

static int by_votes(const void *a, const void *b)
{
	const struct tally_candidate *x = a, *y = b;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int tally_round(struct tally_candidate *c, int n, int seats, int64_t members, int *elected, int *tied)
{
	int passing = 0, tie_seats = 0;
	*elected = *tied = 0;
	qsort(c, (size_t)n, sizeof(*c), by_votes);
	for (int i = 0; i < n; i++) {
		c[i].outcome = OUT_NOT_ELECTED;
		if (tally_passes(c[i].votes, members, TALLY_HALF))
			passing++;
	}
	if (passing <= seats) {
		for (int i = 0; i < passing; i++)
			c[i].outcome = OUT_ELECTED;
		*elected = passing;
		return 0;
	}
	/* More pass than seats: the highest win; those level with the last seat's holder and the
	 * first one left out are tied. */
	{
		int64_t cut = c[seats - 1].votes;
		int first = seats - 1, last = seats - 1;
		while (first > 0 && c[first - 1].votes == cut)
			first--;
		while (last + 1 < passing && c[last + 1].votes == cut)
			last++;
		for (int i = 0; i < first; i++)
			c[i].outcome = OUT_ELECTED;
		*elected = first;
		if (last == seats - 1) { /* no one level with the last seat is left out */
			for (int i = first; i <= last; i++)
				c[i].outcome = OUT_ELECTED;
			*elected = seats;
			return 0;
		}
		for (int i = first; i <= last; i++)
			c[i].outcome = OUT_TIE;
		*tied = last - first + 1;
		tie_seats = seats - first;
	}
	return tie_seats;
}
