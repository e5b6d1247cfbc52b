// SPDX-License-Identifier: MIT
/*
 * Checks that threads work: several pthreads share a counter under a mutex,
 * meet at a barrier, keep their own thread-local values, hand a token round
 * with a condition variable, and are joined. The output is fixed, whatever
 * the scheduling.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 8
#define ROUNDS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static unsigned long counter;
static int turn;
static char order[NTHREADS + 1];
static __thread int mine;

static void *worker(void *arg)
{
	int id = (int)(long)arg, i;

	mine = id * 1000;
	for (i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	pthread_barrier_wait(&barrier);

	/* Take turns in id order: futex wait and wake across threads. */
	pthread_mutex_lock(&lock);
	while (turn != id)
		pthread_cond_wait(&turn_cv, &lock);
	order[id] = (char)('a' + id);
	turn++;
	pthread_cond_broadcast(&turn_cv);
	pthread_mutex_unlock(&lock);

	return (void *)(long)(mine == id * 1000 ? id + 1 : -1);
}

int main(void)
{
	pthread_t t[NTHREADS];
	int i, err;

	mine = -7;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		err = pthread_create(&t[i], NULL, worker, (void *)(long)i);
		if (err) {
			fprintf(stderr, "pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (i = 0; i < NTHREADS; i++) {
		void *ret;

		err = pthread_join(t[i], &ret);
		if (err) {
			fprintf(stderr, "pthread_join: %s\n", strerror(err));
			return 1;
		}
		printf("thread %d returned %ld\n", i, (long)ret);
	}
	printf("counter %lu (expected %lu)\n", counter,
	       (unsigned long)NTHREADS * ROUNDS);
	printf("turn order %s\n", order);
	printf("main thread-local %d\n", mine);
	return counter == (unsigned long)NTHREADS * ROUNDS ? 0 : 1;
}
