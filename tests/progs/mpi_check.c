// SPDX-License-Identifier: MIT
/*
 * A small MPI program for the integration suite: point-to-point and the
 * common collectives, each with a result every rank checks against what
 * it must be. Rank 0 prints one line per step and a checksum; the output
 * depends only on the number of ranks, so a run under tandem can be
 * compared byte for byte with a native one.
 *
 * usage: mpi_check [ROUNDS]   (default 20; the steps repeat ROUNDS times)
 *
 * Exits 0 when every check held on every rank, 1 otherwise (after
 * printing which step failed on which rank, on stderr).
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING_LEN	4096	/* doubles per ring message (32 KiB) */
#define BCAST_LEN	100000	/* doubles broadcast (781 KiB: not eager) */
#define A2A_LEN		64	/* ints per rank pair in alltoall */

static int rank, size, bad;

static void check(int ok, const char *step, long detail)
{
	if (!ok) {
		fprintf(stderr, "mpi_check: rank %d: %s wrong (%ld)\n",
			rank, step, detail);
		bad = 1;
	}
}

/* A value every rank can compute for (who, i, round): no floating rounding. */
static double val(int who, long i, int round)
{
	return (double)((who + 1) * 1000003L % 65521 + i * 7 + round);
}

/* Each rank sends to the next and receives from the previous, ROUNDS
 * times around, with a 32 KiB message (rendezvous in most transports). */
static uint64_t step_ring(int round)
{
	static double out[RING_LEN], in[RING_LEN];
	int next = (rank + 1) % size, prev = (rank + size - 1) % size;
	uint64_t sum = 0;
	MPI_Status st;
	long i;

	for (i = 0; i < RING_LEN; i++)
		out[i] = val(rank, i, round);
	MPI_Sendrecv(out, RING_LEN, MPI_DOUBLE, next, round,
		     in, RING_LEN, MPI_DOUBLE, prev, round,
		     MPI_COMM_WORLD, &st);
	check(st.MPI_SOURCE == prev && st.MPI_TAG == round, "ring status",
	      st.MPI_SOURCE);
	for (i = 0; i < RING_LEN; i++) {
		if (in[i] != val(prev, i, round)) {
			check(0, "ring data", i);
			break;
		}
		sum += (uint64_t)in[i];
	}

	/* Blocking send/recv too: even ranks send first, odd ranks receive. */
	if (rank % 2 == 0) {
		MPI_Send(out, 16, MPI_DOUBLE, next, 1000 + round,
			 MPI_COMM_WORLD);
		MPI_Recv(in, 16, MPI_DOUBLE, prev, 1000 + round,
			 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	} else {
		MPI_Recv(in, 16, MPI_DOUBLE, prev, 1000 + round,
			 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		MPI_Send(out, 16, MPI_DOUBLE, next, 1000 + round,
			 MPI_COMM_WORLD);
	}
	for (i = 0; i < 16; i++)
		check(in[i] == val(prev, i, round), "send/recv data", i);
	return sum;
}

static uint64_t step_bcast(int round)
{
	static double buf[BCAST_LEN];
	int root = round % size;
	uint64_t sum = 0;
	long i;

	for (i = 0; i < BCAST_LEN; i++)
		buf[i] = rank == root ? val(root, i, round) : -1.0;
	MPI_Bcast(buf, BCAST_LEN, MPI_DOUBLE, root, MPI_COMM_WORLD);
	for (i = 0; i < BCAST_LEN; i++) {
		if (buf[i] != val(root, i, round)) {
			check(0, "bcast data", i);
			break;
		}
		sum += (uint64_t)buf[i];
	}
	return sum;
}

static uint64_t step_allreduce(int round)
{
	long mine[3], all[3], want_sum = 0, want_max = 0;
	double d = rank + 0.5, dsum;
	int r;

	mine[0] = val(rank, 0, round);
	mine[1] = rank * 3 + round;
	mine[2] = rank + 1;
	for (r = 0; r < size; r++)
		want_sum += (long)val(r, 0, round);
	MPI_Allreduce(mine, all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
	check(all[0] == want_sum, "allreduce sum", all[0]);
	want_max = (size - 1) * 3 + round;
	MPI_Allreduce(&mine[1], &all[1], 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
	check(all[1] == want_max, "allreduce max", all[1]);
	MPI_Allreduce(&mine[2], &all[2], 1, MPI_LONG, MPI_PROD, MPI_COMM_WORLD);
	for (r = 1, want_max = 1; r <= size; r++)
		want_max *= r;
	check(all[2] == want_max, "allreduce prod", all[2]);
	/* Halves add exactly in binary whatever the order. */
	MPI_Allreduce(&d, &dsum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
	check(dsum == size * size / 2.0, "allreduce double", (long)dsum);
	return (uint64_t)(all[0] + all[1] + all[2]) + (uint64_t)dsum;
}

static uint64_t step_gather(int round)
{
	int mine[2] = { rank, rank * round }, *all = NULL;
	uint64_t sum = 0;
	int r;

	if (rank == 0)
		all = malloc(sizeof(int) * 2 * size);
	MPI_Gather(mine, 2, MPI_INT, all, 2, MPI_INT, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		for (r = 0; r < size; r++) {
			check(all[2 * r] == r && all[2 * r + 1] == r * round,
			      "gather data", r);
			sum += all[2 * r] + all[2 * r + 1];
		}
		free(all);
	}
	MPI_Bcast(&sum, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	return sum;
}

static uint64_t step_alltoall(int round)
{
	int *out = malloc(sizeof(int) * A2A_LEN * size);
	int *in = malloc(sizeof(int) * A2A_LEN * size);
	uint64_t sum = 0;
	int r, i;

	/* Block r of rank s's buffer goes to rank r: it encodes (s, r, i). */
	for (r = 0; r < size; r++)
		for (i = 0; i < A2A_LEN; i++)
			out[r * A2A_LEN + i] = (rank * 100 + r) * 1000 + i + round;
	MPI_Alltoall(out, A2A_LEN, MPI_INT, in, A2A_LEN, MPI_INT,
		     MPI_COMM_WORLD);
	for (r = 0; r < size; r++)
		for (i = 0; i < A2A_LEN; i++) {
			int want = (r * 100 + rank) * 1000 + i + round;

			check(in[r * A2A_LEN + i] == want, "alltoall data",
			      r * A2A_LEN + i);
			sum += (uint64_t)in[r * A2A_LEN + i];
		}
	free(out);
	free(in);
	return sum;
}

/* Barriers between a count of the ranks present and its check; a barrier
 * that let a rank through early would desynchronise the rounds' tags and
 * the data checks of the later steps. */
static uint64_t step_barrier(int round)
{
	int one = 1, count = 0;

	(void)round;

	MPI_Reduce(&one, &count, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
	MPI_Barrier(MPI_COMM_WORLD);
	if (rank == 0)
		check(count == size, "barrier count", count);
	MPI_Barrier(MPI_COMM_WORLD);
	return (uint64_t)size;
}

struct step {
	const char *name;
	uint64_t (*fn)(int round);
	uint64_t total;
};

int main(int argc, char **argv)
{
	struct step steps[] = {
		{ "ring", step_ring, 0 },
		{ "bcast", step_bcast, 0 },
		{ "allreduce", step_allreduce, 0 },
		{ "gather", step_gather, 0 },
		{ "alltoall", step_alltoall, 0 },
		{ "barrier", step_barrier, 0 },
	};
	int nsteps = sizeof(steps) / sizeof(steps[0]);
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	uint64_t mine, check_sum = 0;
	int round, s, all_bad = 0;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (rounds < 1) {
		if (rank == 0)
			fprintf(stderr, "usage: mpi_check [ROUNDS >= 1]\n");
		MPI_Finalize();
		return 2;
	}

	for (round = 0; round < rounds; round++)
		for (s = 0; s < nsteps; s++)
			steps[s].total += steps[s].fn(round);

	/* Every rank's totals must agree where they are global: sum them and
	 * compare with size times rank 0's. */
	for (s = 0; s < nsteps; s++) {
		uint64_t mine_t = steps[s].total, root_t = mine_t;

		MPI_Bcast(&root_t, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
		if (strcmp(steps[s].name, "ring") != 0 &&
		    strcmp(steps[s].name, "alltoall") != 0)
			check(mine_t == root_t, steps[s].name, s);
	}

	mine = 0;
	for (s = 0; s < nsteps; s++)
		mine += steps[s].total;
	MPI_Reduce(&mine, &check_sum, 1, MPI_UINT64_T, MPI_SUM, 0,
		   MPI_COMM_WORLD);
	MPI_Allreduce(&bad, &all_bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);

	if (rank == 0) {
		printf("ranks %d, rounds %d\n", size, rounds);
		for (s = 0; s < nsteps; s++)
			printf("%-10s %llu\n", steps[s].name,
			       (unsigned long long)steps[s].total);
		printf("checksum   %llu\n", (unsigned long long)check_sum);
		printf("%s\n", all_bad ? "FAILED" : "all checks passed");
	}
	MPI_Finalize();
	return all_bad ? 1 : 0;
}
