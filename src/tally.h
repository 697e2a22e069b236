/* tally.h: the legal arithmetic of meetings (DOMAIN §1, §2, §5), pure and exact: quorum, the
 * passing rules of a vote, the candidate-count rules of an election, ballot validity and the
 * result of a round with its ties and further rounds. Integers only, no floating point. */
#ifndef RENDA_TALLY_H
#define RENDA_TALLY_H

#include <stdint.h>

/* 1 when present members reach num/den of all members (present*den >= members*num); a body
 * with no members never has a quorum. */
int tally_quorum(int64_t present, int64_t members, int num, int den);
/* The smallest present count that meets the quorum. */
int64_t tally_quorum_needed(int64_t members, int num, int den);

/* A passing rule: strict "more than num/den of base" (过半数: 1/2 strict) or "at least num/den"
 * (三分之二以上: 2/3 not strict). */
struct tally_rule {
	int num, den, strict;
};
#define TALLY_HALF ((struct tally_rule){1, 2, 1})
#define TALLY_TWO_THIRDS ((struct tally_rule){2, 3, 0})
/* 1 when votes_for passes over base under rule; a base of 0 never passes. */
int tally_passes(int64_t votes_for, int64_t base, struct tally_rule rule);
/* The smallest number of votes that passes over base. */
int64_t tally_needed(int64_t base, struct tally_rule rule);

/* A satisfaction rating (满意度测评, DOMAIN §6.27): a ballot is valid only with exactly one grade
 * (满意, 基本满意 or 不满意); none or several make it invalid, counted but out of the base. */
int tally_rating_valid(int grades);
/* Passed only when satisfied + basic is MORE than pass_pct percent of the valid ballots (the
 * setting rating.pass_pct); no valid ballot never passes. */
int tally_rating_passes(int64_t satisfied, int64_t basic, int64_t valid, int pass_pct);

/* A candidate-count rule (DOMAIN §2.9, §5.24), its numbers from the jurisdiction's settings:
 * at least seats + extra_min candidates and, when ratio_pct > 0, at least ratio_pct percent of
 * the seats (rounded up); at most seats + extra_max (extra_max < 0: no upper bound). */
struct tally_cand_rule {
	int extra_min, extra_max, ratio_pct;
};
#define TALLY_NO_MAX (1 << 20) /* the upper bound of a rule without one */
/* The allowed candidate counts for seats under rule r: [*min, *max]. */
void tally_candidate_range(struct tally_cand_rule r, int seats, int *min, int *max);
/* 0 when n candidates may stand; 1 when there are too many (a preliminary vote is needed);
 * -1 when there are too few. */
int tally_candidates_check(struct tally_cand_rule r, int seats, int n);

/* A ballot is valid for an office when its "for" marks (write-ins included) do not exceed the
 * seats. */
int tally_ballot_valid(int for_marks, int seats);
/* A round is valid only when no more ballots came back than were issued. */
int tally_round_valid(int64_t issued, int64_t returned);

/* The outcome of one candidate in a counted round. */
enum tally_outcome { OUT_NOT_ELECTED, OUT_ELECTED, OUT_TIE };
struct tally_candidate {
	int64_t id;
	int64_t votes; /* "for" votes */
	enum tally_outcome outcome;
};
/* Decides a round: each candidate needs more than half of all members (tally_passes with
 * TALLY_HALF over members); when more pass than seats the highest win; candidates tied for the
 * last seat get OUT_TIE (voted again among themselves). *elected and *tied count the outcomes;
 * seats - *elected - (tied seats) are unfilled. Returns the seats the tied candidates compete
 * for (0 when no tie). The array is reordered by votes, highest first. */
int tally_round(struct tally_candidate *c, int n, int seats, int64_t members, int *elected, int *tied);

#endif
