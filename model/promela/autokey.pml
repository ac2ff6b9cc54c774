/*
 * Autokey client/server exchange (RFC 5906 §6; digest §9.2, §9.4) over a
 * network that loses, duplicates and replays packets, with an attacker that
 * forges responses. The same rules as model/model.cpp, abstracted further:
 *
 *   - key IDs: a response is "fresh" iff it answers the client's latest
 *     request (digest §6.9: the reply must carry that request's key ID; key
 *     IDs are never reused, so every replay of an earlier exchange is stale);
 *   - symbolic crypto: "good" iff signed by the server's key and, for the
 *     identity response, made with the group key; a forged CERT is not a
 *     trusted root. A forger can still get a fresh key ID onto its packet:
 *     packets with extension fields are MACed with cookie 0 (RFC 5906 §5).
 *
 * Mutants (-DMUTANT_*, built as separate checks that must FAIL): an IFF
 * response accepted unchecked, a client that skips the identity exchange and
 * takes the cookie's signature as proof (a downgrade), and a network whose
 * faults never stop (liveness then fails, as it must).
 *
 * Checked (model/promela/CMakeLists.txt):
 *   safety   (assertions, pan -DSAFETY): no flag lights out of order;
 *            nothing proventic before the identity is verified; a response
 *            that is stale or fails verification changes nothing.
 *   liveness (ltl all_lit, pan -a -f): with finitely many faults and weak
 *            fairness, the association eventually lights every flag.
 */

/* Progress bits: ntpd's CRYPTO_FLAG_* (wire/flags.h) shifted right by 8. */
#define CERT 1
#define VRFY 2
#define PROV 4
#define COOK 8
#define AUTO 16
#define SIGN 32
#define LEAP 64
#define ALL 127

#define MAXFAULTS 3
#ifdef MUTANT_UNBOUNDED_FAULTS
#define FAULT skip  /* mutant: faults are never used up */
#else
#define FAULT faults++
#endif

mtype = { NONE, ASSOC, CERTQ, IFF, COOKQ, SIGNQ, LEAPQ };

chan to_server = [1] of { mtype };            /* request */
chan to_client = [2] of { mtype, bit, bit };  /* response, fresh, good */

byte flags = 0;       /* client progress */
bit status = 0;       /* ASSOC response stored (ntpd: peer->crypto != 0) */
bit synced = 0;       /* client clock synchronized */
mtype outstanding = NONE;
byte faults = 0;

/* The attacker's recording of one earlier response. */
bit recorded = 0;
mtype rec_code = NONE;
bit rec_good = 0;
bit rec_current = 0;  /* cleared at every poll: later replays are stale */

#define lit(b) ((flags & (b)) != 0)

/* digest §9.2, client table: the first dark flag picks the request. */
inline next_request(req) {
  if
  :: !status -> req = ASSOC
  :: status && !lit(CERT) -> req = CERTQ
#ifndef MUTANT_DOWNGRADE
  :: status && lit(CERT) && !lit(VRFY) -> req = IFF
#endif
#ifdef MUTANT_DOWNGRADE
  :: status && lit(CERT) && !lit(COOK) -> req = COOKQ  /* mutant: skips the identity exchange */
#else
  :: status && lit(CERT) && lit(VRFY) && !lit(COOK) -> req = COOKQ
#endif
  :: status && lit(CERT) && lit(VRFY) && lit(COOK) && synced && !lit(SIGN) -> req = SIGNQ
  :: status && lit(CERT) && lit(VRFY) && lit(COOK) && synced && lit(SIGN) && !lit(LEAP) -> req = LEAPQ
  :: else -> req = NONE
  fi
}

/* A signature verified once the identity is known makes the server
 * proventic (RFC 5906 §6.4). */
inline verified_signature() {
  if
#ifdef MUTANT_DOWNGRADE
  :: true -> flags = flags | PROV  /* mutant: the cookie's signature taken as proof */
#else
  :: lit(VRFY) -> flags = flags | PROV
#endif
  :: else -> skip
  fi
}

active proctype client() {
  mtype req, code;
  bit fresh, good;
  byte before;
end:
  do
  :: /* poll timer: only once the network is quiet (the poll interval is
        far longer than a round trip) */
     atomic {
       empty(to_client) && empty(to_server) && flags != ALL ->
         next_request(req);
         rec_current = 0;
         outstanding = req;
         if
         :: req != NONE -> to_server!req
         :: else -> skip
         fi
     }
  :: atomic {
       to_client?code, fresh, good ->
         before = flags;
         if
         :: !fresh || code != outstanding -> skip  /* stale or unsolicited: dropped */
         :: else ->
            if
            :: code == ASSOC -> status = 1; flags = flags | AUTO  /* a server-mode answer pre-lights AUTO */
            :: code == CERTQ && good -> flags = flags | CERT
#ifdef MUTANT_SKIP_IDENTITY_CHECK
            :: code == IFF -> flags = flags | VRFY  /* mutant: accepts any IFF response */
#else
            :: code == IFF && good -> flags = flags | VRFY  /* signature checked before VRFY lights */
#endif
            :: code == COOKQ && good -> verified_signature(); flags = flags | COOK
            :: code == SIGNQ && good -> verified_signature(); flags = flags | SIGN
            :: code == LEAPQ && good -> verified_signature(); flags = flags | LEAP
            :: else -> skip  /* verification failed */
            fi;
            if
            :: flags != before || code == ASSOC -> outstanding = NONE
            :: else -> skip
            fi
         fi;
         /* safety: an unverified or stale response changes nothing */
         assert((fresh && (good || code == ASSOC)) || flags == before);
         /* the client synchronizes from a proventic server (digest §9.3) */
         if
         :: lit(PROV) -> synced = 1
         :: else -> skip
         fi
     }
  od
}

/* Stateless server (digest §10.2): every request gets its response. */
active proctype server() {
  mtype code;
end:
  do
  :: atomic { to_server?code -> if :: nfull(to_client) -> to_client!code, 1, 1 :: full(to_client) -> skip fi }
  od
}

/* Losses, duplicates, replays and forgeries, at most MAXFAULTS in all. */
active proctype network() {
  mtype code;
  bit fresh, good;
end:
  do
  :: atomic { faults < MAXFAULTS && nempty(to_client) -> to_client?code, fresh, good; FAULT }  /* lose */
  :: atomic { faults < MAXFAULTS && nempty(to_server) -> to_server?code; FAULT }               /* lose */
  :: atomic { faults < MAXFAULTS && nempty(to_client) && nfull(to_client) ->                      /* duplicate */
       to_client?<code, fresh, good>; to_client!code, fresh, good; FAULT }
  :: atomic { !recorded && nempty(to_client) ->                                                    /* record */
       to_client?<rec_code, rec_current, rec_good>; recorded = 1 }
  :: atomic { faults < MAXFAULTS && recorded && nfull(to_client) ->                               /* replay */
       to_client!rec_code, rec_current, rec_good; FAULT }
  :: atomic { faults < MAXFAULTS && nfull(to_client) && outstanding != NONE ->                    /* forge */
       to_client!outstanding, 1, 0; FAULT }
  od
}

/* Safety, checked in every state: this single step can run at any point of
 * any interleaving. */
active proctype monitor() {
  assert((!lit(VRFY) || lit(CERT)) &&   /* identity needs the certificate */
         (!lit(PROV) || lit(VRFY)) &&   /* nothing proventic before identity */
         (!lit(COOK) || lit(PROV)) &&   /* the cookie's signature made it proventic */
         (!lit(SIGN) || lit(PROV)) &&
         (flags == 0 || status))        /* nothing before the parameter exchange */
}

ltl all_lit { <> (flags == ALL) }
