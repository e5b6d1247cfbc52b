// SPDX-License-Identifier: MIT
/*
 * A pthread stress program: 1,000 threads created and joined (in waves that
 * overlap), a mutex and a condition variable under contention with checked
 * counts, a barrier reused round after round, and thread-local storage
 * (__thread with an initial value, and pthread keys with destructors).
 * Every line it prints is fixed, whatever the scheduling; it exits 1 when a
 * check fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define CREATE_TOTAL 1000
#define CREATE_WAVE 10
#define MUTEX_THREADS 8
#define MUTEX_ROUNDS 50000
#define CV_PRODUCERS 4
#define CV_CONSUMERS 4
#define CV_ITEMS 10000		/* per producer */
#define CV_SLOTS 16
#define BARRIER_THREADS 6
#define BARRIER_ROUNDS 200
#define TLS_THREADS 16

static void must(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "%s: %s\n", what, strerror(err));
		exit(1);
	}
}

/* --- 1,000 create/join ---------------------------------------------------- */

static void *echo_arg(void *arg)
{
	return (void *)((long)arg * 3 + 1);
}

static void create_join(void)
{
	pthread_t t[CREATE_WAVE];
	long i, j, sum = 0, want = 0, created = 0;

	for (i = 0; i < CREATE_TOTAL; i += CREATE_WAVE) {
		for (j = 0; j < CREATE_WAVE; j++) {
			must(pthread_create(&t[j], NULL, echo_arg,
					    (void *)(i + j)), "pthread_create");
			created++;
		}
		for (j = 0; j < CREATE_WAVE; j++) {
			void *ret;

			must(pthread_join(t[j], &ret), "pthread_join");
			sum += (long)ret;
			want += (i + j) * 3 + 1;
		}
	}
	printf("created and joined %ld threads\n", created);
	check(sum == want, "every thread returned its own value");
}

/* --- mutex contention ----------------------------------------------------- */

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long count;
static unsigned long count_trylock_busy;

static void *count_up(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < MUTEX_ROUNDS; i++) {
		/* Some trylocks, so EBUSY paths are taken too. */
		if ((i & 15) == 0) {
			int err = pthread_mutex_trylock(&count_lock);

			if (err == EBUSY) {
				pthread_mutex_lock(&count_lock);
				count_trylock_busy++;
			} else if (err) {
				return (void *)1;
			}
		} else {
			pthread_mutex_lock(&count_lock);
		}
		count++;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void mutex_contention(void)
{
	pthread_t t[MUTEX_THREADS];
	int i, bad = 0;

	for (i = 0; i < MUTEX_THREADS; i++)
		must(pthread_create(&t[i], NULL, count_up, NULL),
		     "pthread_create");
	for (i = 0; i < MUTEX_THREADS; i++) {
		void *ret;

		must(pthread_join(t[i], &ret), "pthread_join");
		bad |= ret != NULL;
	}
	printf("mutex: %d threads x %d increments = %lu\n", MUTEX_THREADS,
	       MUTEX_ROUNDS, count);
	check(!bad && count == (unsigned long)MUTEX_THREADS * MUTEX_ROUNDS,
	      "mutex count is exact");
}

/* --- condition variables: a bounded queue --------------------------------- */

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_not_full = PTHREAD_COND_INITIALIZER;
static long q_items[CV_SLOTS];
static int q_head, q_len;

static void q_put(long v)
{
	pthread_mutex_lock(&q_lock);
	while (q_len == CV_SLOTS) {
		pthread_cond_wait(&q_not_full, &q_lock);
	}
	q_items[(q_head + q_len) % CV_SLOTS] = v;
	q_len++;
	pthread_cond_signal(&q_not_empty);
	pthread_mutex_unlock(&q_lock);
}

static long q_get(void)
{
	long v;

	pthread_mutex_lock(&q_lock);
	while (q_len == 0) {
		pthread_cond_wait(&q_not_empty, &q_lock);
	}
	v = q_items[q_head];
	q_head = (q_head + 1) % CV_SLOTS;
	q_len--;
	pthread_cond_signal(&q_not_full);
	pthread_mutex_unlock(&q_lock);
	return v;
}

static void *producer(void *arg)
{
	long base = (long)arg * CV_ITEMS, i;

	for (i = 1; i <= CV_ITEMS; i++)
		q_put(base + i);
	return NULL;
}

/* Each consumer sums what it takes until it takes a 0 (stop). */
static void *consumer(void *arg)
{
	long v, sum = 0;

	(void)arg;
	while ((v = q_get()) != 0)
		sum += v;
	return (void *)sum;
}

static void cv_contention(void)
{
	pthread_t p[CV_PRODUCERS], c[CV_CONSUMERS];
	long i, total = 0, n = (long)CV_PRODUCERS * CV_ITEMS;

	for (i = 0; i < CV_CONSUMERS; i++)
		must(pthread_create(&c[i], NULL, consumer, NULL),
		     "pthread_create");
	for (i = 0; i < CV_PRODUCERS; i++)
		must(pthread_create(&p[i], NULL, producer, (void *)i),
		     "pthread_create");
	for (i = 0; i < CV_PRODUCERS; i++)
		must(pthread_join(p[i], NULL), "pthread_join");
	for (i = 0; i < CV_CONSUMERS; i++)
		q_put(0);
	for (i = 0; i < CV_CONSUMERS; i++) {
		void *ret;

		must(pthread_join(c[i], &ret), "pthread_join");
		total += (long)ret;
	}
	printf("condvar queue: %d producers, %d consumers, %ld items, sum %ld\n",
	       CV_PRODUCERS, CV_CONSUMERS, n, total);
	check(total == n * (n + 1) / 2, "every item consumed exactly once");
}

/* --- a barrier, round after round ----------------------------------------- */

static pthread_barrier_t barrier;
static int phase_of[BARRIER_THREADS];
static int barrier_serial;

static void *barrier_worker(void *arg)
{
	int id = (int)(long)arg, r, i, bad = 0;

	for (r = 1; r <= BARRIER_ROUNDS; r++) {
		phase_of[id] = r;
		if (pthread_barrier_wait(&barrier) ==
		    PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&barrier_serial, 1,
					   __ATOMIC_RELAXED);
		/* Everyone wrote round r before anyone passed. */
		for (i = 0; i < BARRIER_THREADS; i++)
			if (phase_of[i] < r)
				bad = 1;
		/* Nobody writes round r+1 before everyone checked. */
		pthread_barrier_wait(&barrier);
	}
	return (void *)(long)bad;
}

static void barrier_rounds(void)
{
	pthread_t t[BARRIER_THREADS];
	int i, bad = 0;

	must(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS),
	     "pthread_barrier_init");
	for (i = 0; i < BARRIER_THREADS; i++)
		must(pthread_create(&t[i], NULL, barrier_worker,
				    (void *)(long)i), "pthread_create");
	for (i = 0; i < BARRIER_THREADS; i++) {
		void *ret;

		must(pthread_join(t[i], &ret), "pthread_join");
		bad |= ret != NULL;
	}
	pthread_barrier_destroy(&barrier);
	printf("barrier: %d threads, %d rounds\n", BARRIER_THREADS,
	       BARRIER_ROUNDS);
	check(!bad, "no thread passed the barrier early");
	check(barrier_serial == BARRIER_ROUNDS,
	      "one serial thread per round");
}

/* --- thread-local storage ------------------------------------------------- */

static __thread long tls_init = 12345;
static __thread char tls_buf[4096];
static pthread_key_t key;
static int destructor_calls;
static pthread_mutex_t destructor_lock = PTHREAD_MUTEX_INITIALIZER;

static void key_destructor(void *v)
{
	pthread_mutex_lock(&destructor_lock);
	destructor_calls++;
	pthread_mutex_unlock(&destructor_lock);
	free(v);
}

static void *tls_worker(void *arg)
{
	long id = (long)arg, *mine;
	int bad = 0, i;

	if (tls_init != 12345)
		bad = 1;
	for (i = 0; i < (int)sizeof(tls_buf); i++)
		if (tls_buf[i])
			bad = 1;
	tls_init = id;
	memset(tls_buf, (int)id + 1, sizeof(tls_buf));
	mine = malloc(sizeof(*mine));
	if (!mine)
		return (void *)1;
	*mine = id * 7;
	pthread_setspecific(key, mine);

	/* Let the others write theirs, then check ours survived. */
	for (i = 0; i < 1000; i++)
		sched_yield();
	if (tls_init != id || tls_buf[4095] != (char)(id + 1))
		bad = 1;
	if (*(long *)pthread_getspecific(key) != id * 7)
		bad = 1;
	return (void *)(long)bad;
}

static void thread_local(void)
{
	pthread_t t[TLS_THREADS];
	int i, bad = 0;

	tls_init = -1;
	must(pthread_key_create(&key, key_destructor), "pthread_key_create");
	for (i = 0; i < TLS_THREADS; i++)
		must(pthread_create(&t[i], NULL, tls_worker, (void *)(long)i),
		     "pthread_create");
	for (i = 0; i < TLS_THREADS; i++) {
		void *ret;

		must(pthread_join(t[i], &ret), "pthread_join");
		bad |= ret != NULL;
	}
	printf("thread-local: %d threads\n", TLS_THREADS);
	check(!bad, "each thread saw its own initial and written values");
	check(tls_init == -1, "the main thread's value is untouched");
	check(destructor_calls == TLS_THREADS,
	      "one key destructor call per thread");
	pthread_key_delete(key);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	create_join();
	mutex_contention();
	cv_contention();
	barrier_rounds();
	thread_local();
	printf("%s\n", report_failed ? "FAILED" : "all checks passed");
	return report_failed;
}
