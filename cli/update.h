/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tdxctl update, the front end of libtdxctl's update attempt (tdx-update.h), in three files:
 * update.c (the options, the signals, one attempt, the retry loop), update-words.c (the
 * sentences for what an attempt came to) and update-result.c (that result printed as text,
 * JSON or one quiet line).
 */
#ifndef TDXCTL_UPDATE_H
#define TDXCTL_UPDATE_H

#include <signal.h>
#include <stdint.h>

#include "image-opts.h"
#include "tcb-opts.h"
#include "tdx-gate.h"
#include "tdx-host.h"
#include "tdx-update.h"

struct update_args {
	struct image_args image;
	struct global_opts g;
	struct tcb_args tcb;		/* --tcb-info and its chain and root */
	const struct tdx_tcb_info *tcb_info;	/* read and authenticated once, for every attempt */
	const char *mapping;
	const char *version;
	const char *module;
	const char *history;
	const char *latest;		/* --latest DIR: the image is picked from DIR */
	unsigned int format;
	unsigned int timeout_s;
	unsigned int wait_builds_ms;
	uint64_t retry_for_ms;		/* 0: one attempt */
	uint64_t retry_interval_ms;
	bool have_retry_interval;
	bool dry_run;
	bool reinstall;
	bool load_module;
};

/*
 * One attempt as the front end sees it: libtdxctl's attempt, and what the front end adds (the
 * signal held during the verdict, the verdict and advice with the options to use).
 */
struct update_state {
	const struct update_args *args;
	struct tdx_update *u;
	unsigned int attempt;		/* 1, 2, ... within this run */
	uint64_t t0;			/* for the progress lines */
	int held_signal;
	sigset_t mask;			/* before update_hold() blocked the signals */
	char *record;			/* the verdict without options' advice, for the history */
	char *verdict;			/* what happened, with what options can do about it */
	char *advice;			/* what to do next ("" nothing; the verdict when it says) */
	/* The final attempt installed the module or found it current: the TDs on an older one. */
	bool have_relaunch;
	struct tdx_relaunch relaunch;
	struct tdx_tcb_source relaunch_tcb;	/* the configured TCB Info that judged them */
};

/* How the run of attempts ended, for the final result. */
struct update_run {
	unsigned int attempts;
	int stopped_by;		/* the signal that ended the retrying, or 0 */
	uint64_t t0;		/* the first attempt's start */
};

/* A sentence as printed: one that could not be made (out of memory) says so. */
static inline const char *said(const char *sentence)
{
	return sentence ? sentence : "(out of memory)";
}

void update_state_clear(struct update_state *s);
void update_show_phase(void *data, const struct tdx_update_progress *progress);
/*
 * update-words.c: the sentences, made from the attempt's result and @tcb, the TCB Info it was
 * given (NULL: none); NULL: out of memory.
 */
char *update_verdict_words(const struct tdx_update *u, const struct tdx_tcb_info *tcb,
			   bool options);
char *update_advice_words(const struct tdx_update *u);
/* Why --load-module did not load the kernel module; NULL: it did (or was not asked to). */
const char *module_load_words(enum tdx_kmodule_load load, int err);
/* A step of the attempt, in words (not for warnings); NULL: out of memory. */
char *update_progress_words(const struct tdx_update_progress *p);
/* The verdict and the advice for @s's attempt, with tdxctl's words for its remedies. */
void update_result_advise(struct update_state *s);
/*
 * The result as one object, the one emitter: --json prints it, and the text and the quiet
 * line are made from it (update_result_print_text(), _quiet()).
 */
struct json_object *update_result_to_json(const struct update_args *a,
					  const struct update_state *s, int code,
					  const struct update_run *run);
void update_result_print_text(struct json_object *o, const void *data);
/* --quiet: cron mails any output, so 0 and 75 say nothing and any other code one line. */
void update_result_print_quiet(struct json_object *o, const void *data);
void update_note_retry(const struct update_args *a, const struct update_state *s,
		       uint64_t delay_ms);

#endif /* TDXCTL_UPDATE_H */
