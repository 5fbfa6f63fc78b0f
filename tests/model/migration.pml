/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trusted migration protocol (Documentation/migration.rst, "The
 * model"): one VM on a source host S, migrations to a destination host D,
 * and a network that drops, duplicates, delays, reorders and replays any
 * blob it has seen, but cannot forge one or read a sealed state.
 *
 * Every record moves only by mig_step(), generated from the document's
 * transition table (mig_table.pml, scripts/mig-table): the model has no
 * state logic of its own beyond the VM-level guard the document names.
 * Whether a copy of the VM may run or be extended is asked of the table
 * too: the rows RUN and EXTEND.
 *
 * Switches (spin -D...):
 *   ADMIN_OVERRIDE  the administrator of S may use `migrate abort --force`
 *   STRICT       with ADMIN_OVERRIDE: check one live copy without excusing the
 *                override (spin must find the two copies root can make)
 *   GUARD_FROZEN_ONLY  the VM-level EXPORT guard refuses a frozen VM but
 *                not one that is gone (spin must find the second copy)
 *   SRC_TIMEOUT  a mutant: the source unfreezes by itself when it has
 *                waited long enough, as if D had aborted (spin must find
 *                the copy that resumes after D activated)
 *   RECEIPT_NEEDS_SOURCE  S takes only an ABORT receipt that names it,
 *                one of an id D imported (spin must find the source that
 *                stays frozen when D's id ended before the import)
 *   EVICT        ended records (S_GONE, S_RESUMED, D_ACTIVE, D_ABORTED)
 *                may be evicted, as the kernel does past TVM_MIG_MAX;
 *                ids are still never reused, and a VM keeps its own
 *                state (spin must find the PREPARE blob taken twice)
 *   EVICT_REPLAY_OK  with EVICT: do not check that a PREPARE blob, and
 *                an ABORT receipt of an id never imported, which answers
 *                each export of that PREPARE, are taken once (everything
 *                else must hold)
 *   PROBE_SECOND a probe, not a property: spin must reach a second
 *                migration of the VM that commits after the first aborted
 *
 * Properties: the assertions in check() and at each step (safety, with
 * `pan -DSAFETY`), and the LTL formula "ends" (liveness, `pan -a -f`).
 */

#include "mig_table.pml"

/*
 * Two migration ids: a second id is a second migration of the same VM
 * (after an abort, or attempted while the first is pending), and the
 * blobs of one id are cross-migration blobs for the other.
 */
#define NID	2
#define NOREC	NID	/* the VM was never exported */

/* i = an id k for which C(k) holds (not executable when none does). */
#define PICK(C)	if :: C(0) -> i = 0 :: C(1) -> i = 1 fi

/* Each host's record of each migration id. */
mtype srec[NID] = S_NONE;
mtype drec[NID] = D_NONE;

/*
 * The network: the blobs made so far, per migration id.  A blob once made
 * can be delivered at any time, any number of times, or never, in any
 * order: that is every drop, duplicate, delay, reorder and replay.  The
 * adversary has no other blobs: it cannot sign (no forgery), and a blob
 * is for one id and one host (EXDEV is checked before the table).
 */
bool seenP[NID];	/* D's PREPARE of id i */
bool seenE[NID];	/* S's EXPORT of the VM for id i */
bool seenC[NID];	/* D's COMMIT receipt of id i */
bool seenA[NID];	/* D's ABORT receipt of id i */

byte scur = NOREC;	/* the source record of the VM's latest export */
mtype vmst = S_NONE;	/* the VM's own state: its latest record's, kept on
			 * the VM even when that record is evicted */
mtype dinst[NID] = D_NONE;	/* D's instance of id i: its record's state,
				 * kept when the record is evicted */
bool dused[NID];	/* D prepared id i once: ids are never reused */

/*
 * calm: the adversary has stopped, and both operators finish what they
 * started (the liveness assumption); set once, by Calm, eventually under
 * weak fairness.
 */
bool calm;

/* Ghosts: what the properties speak of. */
byte accP[NID], accE[NID], accC[NID], accA[NID];	/* blobs accepted */
bool activated[NID];	/* D's record i has been D_ACTIVE */
bool dimported[NID];	/* D imported id i: its receipts name S */
bool overridden;	/* S logged a PCR 15 OVERRIDE event */
byte copies;		/* live copies of the VM now */
byte pending;		/* records not ended: S_FROZEN, D_PREPARED, D_IMPORTED */

/* l = the table lets a copy in state st run or be extended. */
inline live(st, l)
{
	mig_step(st, RUN, nx, rs);
	assert(nx == st);
	l = (rs == OK);
	mig_step(st, EXTEND, nx, rs);
	assert(nx == st);
	l = l || (rs == OK)
}

/* The copies and the pending records, and the properties of every state. */
inline check()
{
	copies = 0;
	pending = 0;
	live(vmst, l);
	if
	:: l -> copies++
	:: else
	fi;
	j = 0;
	do
	:: j < NID ->
		live(dinst[j], l);
		if
		:: l -> copies++
		:: else
		fi;
		if
		:: srec[j] == S_FROZEN || drec[j] == D_PREPARED ||
		   drec[j] == D_IMPORTED -> pending++
		:: else
		fi;
		/* The two receipts of one id exclude each other. */
		assert(!(seenC[j] && seenA[j]));
		/* No blob is accepted twice. */
#ifndef EVICT_REPLAY_OK
		assert(accP[j] <= 1 && accA[j] <= 1);
#endif
		assert(accE[j] <= 1 && accC[j] <= 1);
		j++
	:: else -> break
	od;
	/* One live copy: at most one copy may run or be extended. */
#if defined(ADMIN_OVERRIDE) && !defined(STRICT)
	assert(copies <= 1 || overridden);
#else
	assert(copies <= 1);
#endif
#ifdef PROBE_SECOND
	assert(!(srec[0] == S_RESUMED && drec[0] == D_ABORTED &&
		 srec[1] == S_GONE && drec[1] == D_ACTIVE));
#endif
	j = 0;
	l = 0
}

/*
 * What S may be given: in chaos any seen blob; when calm, the receipt that
 * settles a frozen record.
 */
#define CAN_EXPORT(k)	 (!calm && seenP[k])
#define CAN_COMMIT_RCPT(k) (seenC[k] && (!calm || srec[k] == S_FROZEN))
#define CAN_ABORT_RCPT(k) (seenA[k] && (!calm || srec[k] == S_FROZEN))

/* The VM's own state follows its latest record's. */
#define VM_FOLLOWS(k)	if :: k == scur -> vmst = srec[k] :: else fi

#define S_ENDED(k)	(!calm && (srec[k] == S_GONE || srec[k] == S_RESUMED))
#define D_ENDED(k)	(!calm && (drec[k] == D_ACTIVE || drec[k] == D_ABORTED))

/* The source host: its kernel, and its operator carrying blobs. */
proctype Source()
{
	mtype nx, rs;
	byte i, j;
	bool l;

end_source:
	do
	/* EXPORT the VM with any PREPARE blob seen. */
	:: atomic { PICK(CAN_EXPORT);
		/*
		 * The VM-level guard: a VM that may neither run nor be
		 * extended (frozen in another migration, or gone) is not
		 * exported (EBUSY, ESTALE).
		 */
		live(vmst, l);
#ifdef GUARD_FROZEN_ONLY
		l = vmst != S_FROZEN;
#endif
		if
		:: l ->
			mig_step(srec[i], EXPORT, nx, rs);
			if
			:: rs == OK ->
				srec[i] = nx;
				scur = i;
				vmst = nx;
				accP[i]++;
				seenE[i] = true
			:: else
			fi
		:: else
		fi;
		check(); i = 0; nx = 0; rs = 0
	}
	/* A receipt, in chaos any seen one, when calm one that settles. */
	:: atomic { PICK(CAN_COMMIT_RCPT);
		mig_step(srec[i], COMMIT_RCPT, nx, rs);
		if
		:: rs == OK -> srec[i] = nx; accC[i]++; VM_FOLLOWS(i)
		:: else
		fi;
		check(); i = 0; nx = 0; rs = 0
	}
	:: atomic { PICK(CAN_ABORT_RCPT);
		mig_step(srec[i], ABORT_RCPT, nx, rs);
#ifdef RECEIPT_NEEDS_SOURCE
		/* A receipt that names no source refused (EXDEV). */
		if
		:: !dimported[i] -> rs = NA
		:: else
		fi;
#endif
		if
		:: rs == OK ->
			/* Only when D provably did not activate. */
			assert(!activated[i]);
			srec[i] = nx; accA[i]++; VM_FOLLOWS(i)
		:: else
		fi;
		check(); i = 0; nx = 0; rs = 0
	}
#ifdef SRC_TIMEOUT
	/* The mutant: a frozen VM unfreezes on a timeout. */
	:: atomic { !calm && scur != NOREC && srec[scur] == S_FROZEN ->
		mig_step(srec[scur], ABORT_RCPT, nx, rs);
		if
		:: rs == OK ->
			assert(!activated[scur]);
			srec[scur] = nx; vmst = nx
		:: else
		fi;
		check(); nx = 0; rs = 0
	}
#endif
#ifdef EVICT
	/* An ended record evicted: the id is forgotten here. */
	:: atomic { PICK(S_ENDED); srec[i] = S_NONE; check(); i = 0 }
#endif
#ifdef ADMIN_OVERRIDE
	/* migrate abort --force VM: the VM's latest record. */
	:: atomic { !calm && scur != NOREC ->
		mig_step(srec[scur], OVERRIDE, nx, rs);
		if
		:: rs == OK -> srec[scur] = nx; vmst = nx; overridden = true
		:: else
		fi;
		check(); nx = 0; rs = 0
	}
#endif
	od
}

/* When calm, what D's operator has to finish for id k. */
#define TO_FINISH(k)	(calm && (drec[k] == D_PREPARED || \
			 drec[k] == D_IMPORTED || \
			 (drec[k] == D_ABORTED && !seenA[k])))

/* The destination host: its kernel, its operator, and its clock. */
proctype Dest()
{
	mtype nx, rs, old, act;
	byte i, j;
	bool l;

end_dest:
	do
	/*
	 * In chaos, any action on any id: PREPARE (only D_NONE takes it: a
	 * new id), IMPORT of a seen EXPORT blob, BIND, COMMIT, ABORT,
	 * EXPIRE (the table's "-" says where no timer runs).
	 */
	:: atomic { !calm ->
		select(i : 0 .. NID - 1);
		if
		:: act = PREPARE
		:: seenE[i] -> act = IMPORT
		:: act = BIND
		:: act = COMMIT
		:: act = ABORT
		:: act = EXPIRE
		fi;
		old = drec[i];
		mig_step(old, act, nx, rs);
		/* PREPARE makes a new id: one never used. */
		if
		:: act == PREPARE && dused[i] -> rs = NA
		:: else
		fi;
		if
		:: rs == OK -> drec[i] = nx; dinst[i] = nx
		:: else
		fi;
		if
		:: rs == OK && act == PREPARE -> seenP[i] = true; dused[i] = true
		:: rs == OK && act == IMPORT ->
			/* No import without a matching, unused prepare. */
			assert(old == D_PREPARED && seenP[i]);
			dimported[i] = true;
			accE[i]++
		:: rs == OK && act == COMMIT ->
			activated[i] = true;
			seenC[i] = true
		:: rs == OK && act == ABORT ->
			seenA[i] = true
		:: else
		fi;
		check(); i = 0; nx = 0; rs = 0; old = 0; act = 0
	}
	/*
	 * When calm, the operator finishes each id: imports what was
	 * exported, lets an unused id expire, commits or aborts what was
	 * imported, and gives an ABORT receipt for an id that ended
	 * without one (it expired).
	 */
	:: atomic { PICK(TO_FINISH);
		if
		:: drec[i] == D_PREPARED && seenE[i] -> act = IMPORT
		:: drec[i] == D_PREPARED && !seenE[i] -> act = EXPIRE
		:: drec[i] == D_IMPORTED -> act = COMMIT
		:: drec[i] == D_IMPORTED -> act = ABORT
		:: drec[i] == D_ABORTED && !seenA[i] -> act = ABORT
		fi;
		old = drec[i];
		mig_step(old, act, nx, rs);
		if
		:: rs == OK -> drec[i] = nx; dinst[i] = nx
		:: else
		fi;
		if
		:: rs == OK && act == IMPORT ->
			assert(old == D_PREPARED && seenP[i]);
			dimported[i] = true;
			accE[i]++
		:: rs == OK && act == COMMIT ->
			activated[i] = true;
			seenC[i] = true
		:: rs == OK && act == ABORT ->
			seenA[i] = true
		:: else
		fi;
		check(); i = 0; nx = 0; rs = 0; old = 0; act = 0
	}
#ifdef EVICT
	/* An ended record evicted; its instance, if live, lives on. */
	:: atomic { PICK(D_ENDED); drec[i] = D_NONE; check(); i = 0 }
#endif
	od
}

/* The adversary stops, and the operators finish, at some point. */
proctype Calm()
{
	calm = true
}

init {
	d_step { mig_table_init() };
	atomic { run Source(); run Dest(); run Calm() }
}

/*
 * Liveness: once the network delivers and the operators finish, every
 * migration ends: no record stays S_FROZEN, D_PREPARED or D_IMPORTED.
 */
ltl ends { <> [] (pending == 0 && calm) }
