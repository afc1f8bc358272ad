/* icmplab: runs ICMP error cases in network namespaces and reports which
 * errors each socket style surfaced. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "casefile.h"
#include "catalog.h"
#include "cellpcap.h"
#include "cellview.h"
#include "diff.h"
#include "html.h"
#include "names.h"
#include "outfile.h"
#include "privilege.h"
#include "num.h"
#include "readcap.h"
#include "helper.h"
#include "junit.h"
#include "ktap.h"
#include "report.h"
#include "resdoc.h"
#include "show.h"
#include "spool.h"
#include "suite.h"
#include "topo.h"
#include "try.h"

#define EXIT_PASS 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_SKIP 4

struct cli {
	const char *cases_dir;
	const char *out_dir;
	const char *json_path;
	const char *ktap_path;     /* --ktap */
	const char *junit_path;    /* --junit */
	const char *baseline;      /* --baseline: compare the run with it */
	const char *baseline_out;  /* --baseline-out: the run, normalised */
	bool normalize;		   /* diff --normalize IN OUT */
	char probe_dir[PATH_MAX];
	char default_cases[PATH_MAX];
	int quiet_ms;
	int jobs;
	int timeout_ms;
	int fixed_wait_ms;
	const char *probe_cmd;
	int cmd_timeout_ms; /* try, run --probe-cmd: --cmd-timeout */
	int family;	    /* try --family: AF_INET, AF_INET6, 0 all */
	bool quiet_matrix;
	char **only;
	int nonly;
	const char *probe_filter[CASE_MAX_PROBES]; /* --probe, repeatable */
	bool family_given;			   /* run --family */
	int nfilter;
	bool full_matrix;	     /* --matrix full */
	const char *results_path;    /* why, show --results */
	const char *html_path;	     /* run, report --html */
	const char *pcap_out;	     /* show --pcap FILE */
	bool pcap_per_cell;	     /* run --pcap-per-cell */
	char default_results[PATH_MAX];
};

static const char commands_text[] =
		"usage: icmplab run [options] [CASE ...]   run cases, print the short answer\n"
		"       icmplab try [options] 'CMD {addr} {port}'\n"
		"                                          your program under every fault,\n"
		"                                          one row per fault (docs/try.md)\n"
		"       icmplab list [--cases DIR]         list the cases\n"
		"       icmplab check [--cases DIR]        parse every case file\n"
		"       icmplab expand [CASE ...]          print cases as the one-case\n"
		"                                          files their rows expand to\n"
		"       icmplab probes                     list probe styles\n"
		"       icmplab faults                     list faults\n"
		"       icmplab COMMAND --help             that command's own help\n"
		"       icmplab diff OLD.json NEW.json     compare two results documents\n"
		"       icmplab read FILE.pcap             explain the ICMP errors in a capture\n"
		"                                          cell by cell (exit 1: they differ)\n"
		"       icmplab diff --normalize IN OUT    write IN as a baseline (no times,\n"
		"                                          ports, pids, paths, events)\n"
		"       icmplab report [--ktap FILE] [--junit FILE] RESULTS.json\n"
		"                                          convert a stored run (neither:\n"
		"                                          print its report again)\n"
		"       icmplab why [--results FILE] STYLE FAULT\n"
		"                                          one cell in sentences, and what\n"
		"                                          to use instead (e.g. why\n"
		"                                          udp-connected ttl); reads\n"
		"                                          results/latest/results.json, or\n"
		"                                          runs the case when no run has it\n"
		"       icmplab show [--results FILE] [--pcap FILE] CASE [PROBE]\n"
		"                                          one cell opened: topology, the\n"
		"                                          fault, calls and packets in time\n"
		"                                          order, verdict, references\n";

/* The options of run (and of why, when it runs a case). */
static const char run_options[] =
		"options:\n"
		"  --cases DIR      case files (default: the repository's cases/)\n"
		"  --out DIR        write results.json, matrix.txt, index.html and pcap/\n"
		"                   there\n"
		"  --pcap-per-cell  with --out: also DIR/pcap/CASE/PROBE.pcap, each\n"
		"                   cell's own flow\n"
		"  --html FILE      also write the HTML report to FILE\n"
		"  --json FILE      also write the results document to FILE ('-': stdout)\n"
		"  --ktap FILE      also write KTAP version 1 to FILE ('-': stdout)\n"
		"  --junit FILE     also write JUnit XML to FILE ('-': stdout)\n"
		"  --baseline FILE  compare the run with a stored one (results/baselines/);\n"
		"                   a difference makes the exit 1\n"
		"  --baseline-out FILE  also write the run as a baseline to FILE\n"
		"  --quiet-ms N     the bound on waiting for a fence's answer: a sync still\n"
		"                   unproven then makes its cell an error (default 2000)\n"
		"  -j, --jobs N     cases run at once (default 1)\n"
		"  --timeout-ms N   the most one case may take (default 10000)\n"
		"  --probe NAME     run only this probe style (repeatable); cases\n"
		"                   with none of them are left out\n"
		"  --family F       run only the cases of family F: ipv4, ipv6 or\n"
		"                   all (the default)\n"
		"  --probe-cmd CMD  also run CMD in the client namespace under every\n"
		"                   fault; {addr}, {port}, {hostport} ([v6]:port) and\n"
		"                   {dir} are passed as variables, never pasted\n"
		"                   (e.g. 'nc -u -z -w1 {addr} {port}'); its exit status\n"
		"                   is reported beside the wire in a column 'cmd';\n"
		"                   without CASE names: icmplab try CMD\n"
		"  --cmd-timeout MS kill a command (and all it started) after MS\n"
		"  --no-matrix      do not print the report\n"
		"  --matrix full    print every cell (blocks by probe group) instead of\n"
		"                   the short answer; matrix.txt always has them\n"
		"  --fixed-wait-ms N  naive reference: probes one after another,\n"
		"                   each observing after N ms whatever the wire says\n"
		"exit: 0 every cell as expected, 1 a cell differs (or a result file\n"
		"could not be written, or the run differs from --baseline), 2 bad\n"
		"usage, case file or unreadable document, 4 cannot run here (an\n"
		"ordinary user runs in a user namespace of its own where the system\n"
		"allows one; the message says what is missing)\n";


/* Each command's own --help: what it does and its arguments. */
static const struct {
	const char *cmd, *text;
	bool run_options;
} command_help[] = {
	{"run",
	 "usage: icmplab run [options] [CASE|GROUP ...]\n"
	 "Runs the cases (all, or those named: a case name or a case file's\n"
	 "group, see icmplab list) as root in network namespaces and prints\n"
	 "the short answer, a tally per group, the claims and every cell that\n"
	 "did not pass.\n",
	 true},
	{"try",
	 "usage: icmplab try [options] 'CMD {addr} {port}'\n"
	 "Runs CMD (with /bin/sh, as PID 1 of its own PID namespace) once under\n"
	 "every fault of try/*.case, each in a fresh topology, and prints one\n"
	 "row per fault: its datagrams, the ICMP errors quoting them (by source\n"
	 "address and port), its exit status, its last line, its wall time, and\n"
	 "'!' where such an error came and it exited 0 or timed out. Nothing is\n"
	 "judged. Same as run --probe-cmd CMD without case names.\n"
	 "Placeholders, passed as variables, never pasted: {addr}, {port},\n"
	 "{hostport} (addr:port, [addr]:port for IPv6), {family} (4 or 6),\n"
	 "{dir} (the case file's folder); any other {name} is refused.\n"
	 "  --cmd-timeout MS  kill CMD and every process it started after MS\n"
	 "                   (default 3000); the row says timed out\n"
	 "  --family F       ipv4 (default), ipv6 or all: the faults of that\n"
	 "                   family (IPv6: closed port, hop limit, drop and\n"
	 "                   the forged ICMPv6 errors)\n"
	 "  --out DIR        also write results.json, matrix.txt and pcap/\n"
	 "  --json FILE      also write the results document to FILE\n"
	 "  -j, --jobs N     faults run at once (default: the CPUs, at most 4)\n"
	 "  --cases DIR      the try case files (default: the repository's try/)\n"
	 "exit: 0 every row ran the program, 1 it could not start (an error\n"
	 "row) or a file could not be written, 2 bad usage, 4 cannot run here\n",
	 false},
	{"why",
	 "usage: icmplab why [--results FILE] STYLE FAULT\n"
	 "Answers one question in sentences: what the wire carried for STYLE's\n"
	 "datagrams under FAULT, what each system call returned, what surfaced,\n"
	 "the kernel rule, and the styles that did hear the error instead.\n"
	 "STYLE: a probe name or a unique prefix (icmplab probes). FAULT: a case\n"
	 "name, a fault name, or port, ttl, route, reject, drop, arp, mtu.\n"
	 "  --results FILE  the results document (default\n"
	 "                  results/latest/results.json, from make run); when it\n"
	 "                  lacks the cell, the cases that show it run now (root)\n"
	 "  --cases DIR     case files (default: the repository's cases/)\n"
	 "exit: 0 answered, 1 the run failed, 2 unknown names or unreadable\n"
	 "document, 4 cannot run here\n",
	 false},
	{"read",
	 "usage: icmplab read [--results FILE] [--json FILE] CAPTURE\n"
	 "Lists every ICMP and ICMPv6 error in a pcap or pcapng file, the\n"
	 "datagram each quotes and the datagram of the capture it answers,\n"
	 "marks forged and malformed ones, and says which socket styles heard\n"
	 "errors like it on this kernel (docs/read.md).\n"
	 "  --results FILE  the results document (default\n"
	 "                  results/latest/results.json, from make run)\n"
	 "  --json FILE     the report as JSON instead ('-': stdout)\n"
	 "exit: 0 read, 1 the capture is damaged (what came before is listed),\n"
	 "2 not a capture, unsupported link type, unreadable document\n",
	 false},
	{"report",
	 "usage: icmplab report [--ktap FILE] [--junit FILE] [--html FILE]\n"
	 "                      [--matrix full] RESULTS.json\n"
	 "Converts a stored run to KTAP, JUnit XML ('-': stdout) or an HTML\n"
	 "report, or with none of them prints its terminal report again (the\n"
	 "short answer, or every cell with --matrix full).\n",
	 false},
	{"show",
	 "usage: icmplab show [--results FILE] [--pcap FILE] CASE [PROBE]\n"
	 "Opens one cell of a stored run (every cell of CASE without PROBE):\n"
	 "the case's topology and fault, the probe's system calls and its\n"
	 "flow's packets on one time axis, the verdict with expected and\n"
	 "surfaced, the explanation, the references and the capture. CASE: a\n"
	 "case name or a unique prefix; PROBE: a probe name or a unique prefix.\n"
	 "  --results FILE  the results document (default\n"
	 "                  results/latest/results.json, from make run)\n"
	 "  --pcap FILE     also write the cell's own packets (its flow and the\n"
	 "                  errors quoting it, no neighbour discovery) from the\n"
	 "                  case's capture to FILE; needs PROBE\n"
	 "exit: 0 shown, 1 the capture could not be written, 2 unknown names\n"
	 "or unreadable document\n",
	 false},
	{"diff",
	 "usage: icmplab diff OLD.json NEW.json\n"
	 "       icmplab diff --normalize IN OUT\n"
	 "Compares two results documents cell by cell (exit 1: they differ), or\n"
	 "writes IN as a baseline (no times, ports, pids, paths, events).\n",
	 false},
	{"list",
	 "usage: icmplab list [--cases DIR]\n"
	 "Lists the cases: name, family, fault, title.\n",
	 false},
	{"check",
	 "usage: icmplab check [--cases DIR]\n"
	 "Parses every case file and says how many cases they hold (exit 2 with\n"
	 "file:line: why for a malformed one).\n",
	 false},
	{"expand",
	 "usage: icmplab expand [--cases DIR] [CASE ...]\n"
	 "Prints cases as the one-case files their rows expand to.\n",
	 false},
	{"probes", "usage: icmplab probes\nLists the probe (socket) styles.\n",
	 false},
	{"faults",
	 "usage: icmplab faults\nLists the faults, their parameters and the "
	 "ICMP names\ntype= and code= accept.\n",
	 false},
	{NULL, NULL, false},
};

static void usage(FILE *f)
{
	fputs(commands_text, f);
	fputs(run_options, f);
}

/* cmd's own help onto f; false when cmd is not a command. */
static bool command_usage(FILE *f, const char *cmd)
{
	int i;

	for (i = 0; command_help[i].cmd; i++)
		if (strcmp(command_help[i].cmd, cmd) == 0) {
			fputs(command_help[i].text, f);
			if (command_help[i].run_options)
				fputs(run_options, f);
			return true;
		}
	return false;
}

static long number(const char *opt, const char *s, long lo, long hi)
{
	long v;

	if (num_parse(s, lo, hi, &v) != 0) {
		fprintf(stderr, "icmplab: %s: '%s' is not a number in %ld..%ld\n",
			opt, s, lo, hi);
		exit(EXIT_USAGE);
	}
	return v;
}

/* Probes and cases are found next to the binary, so the tool runs from
 * any directory: in the build tree (build/icmplab -> build/probes, cases/,
 * results/latest/), or as `make install` lays it out (PREFIX/bin/icmplab
 * -> PREFIX/libexec/icmplab, PREFIX/share/icmplab/cases, and the results
 * of the current directory). */
static void locate(struct cli *c)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	snprintf(c->probe_dir, sizeof(c->probe_dir), "build/probes");
	snprintf(c->default_cases, sizeof(c->default_cases), "cases");
	snprintf(c->default_results, sizeof(c->default_results),
		 "results/latest/results.json");
	if (n <= 0)
		return;
	exe[n] = '\0';
	dir = dirname(exe);
	snprintf(c->probe_dir, sizeof(c->probe_dir), "%s/probes", dir);
	if (stat(c->probe_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(c->default_cases, sizeof(c->default_cases),
			 "%s/../cases", dir);
		snprintf(c->default_results, sizeof(c->default_results),
			 "%s/../results/latest/results.json", dir);
		return;
	}
	snprintf(c->probe_dir, sizeof(c->probe_dir), "%s/../libexec/icmplab",
		 dir);
	snprintf(c->default_cases, sizeof(c->default_cases),
		 "%s/../share/icmplab/cases", dir);
}

/* The check privilege_start began, when one did and is not finished. */
static struct privilege_check pending_check = {.pid = -1, .fd = -1};

/* Exit 4 with the reason when this machine cannot run the suite
 * (privilege.c); an ordinary user's run goes on in a user namespace.
 * require_namespaces_start begins the check, and the caller may work
 * (load the cases) while its child runs; require_namespaces_end takes its
 * answer, and is a no-op when no check is pending. */
static void skip_for(const char *why)
{
	fprintf(stderr, "icmplab: skip: %s\n", why);
	exit(EXIT_SKIP);
}

static void require_namespaces_start(void)
{
	char why[1024];

	if (privilege_start(&pending_check, why, sizeof(why)) < 0)
		skip_for(why);
}

static void require_namespaces_end(void)
{
	char why[1024];
	int rc;

	if (pending_check.pid <= 0)
		return;
	rc = privilege_finish(&pending_check, why, sizeof(why));
	if (rc < 0)
		skip_for(why);
	if (rc > 0)
		fprintf(stderr, "icmplab: %s\n", why);
}

static void require_namespaces(void)
{
	require_namespaces_start();
	require_namespaces_end();
}

/* The user command probe: --probe-cmd adds it to every case; a case that
 * lists it must say what to run. */
static void add_cmd_probe(struct cli *c, struct case_def *d)
{
	int k;

	for (k = 0; k < d->nprobes; k++)
		if (strcmp(d->probes[k], "cmd") == 0)
			break;
	if (k < d->nprobes && !c->probe_cmd && !d->command[0]) {
		require_namespaces_end();
		fprintf(stderr, "icmplab: %s: probe 'cmd' needs a line "
				"'command <shell command>' (or run "
				"--probe-cmd)\n",
			d->path);
		exit(EXIT_USAGE);
	}
	if (k == d->nprobes && c->probe_cmd && d->nprobes < CASE_MAX_PROBES)
		snprintf(d->probes[d->nprobes++], TOKEN_MAX, "cmd");
}

/* --probe: keeps only the named probes in d; false when none is left. */
static bool filter_probes(const struct cli *c, struct case_def *d)
{
	int k, f, np;

	if (c->nfilter == 0)
		return true;
	for (k = 0, np = 0; k < d->nprobes; k++)
		for (f = 0; f < c->nfilter; f++)
			if (strcmp(d->probes[k], c->probe_filter[f]) == 0) {
				memmove(d->probes[np++], d->probes[k],
					TOKEN_MAX);
				break;
			}
	d->nprobes = np;
	return np > 0;
}

/* Whether name names d: its instance, or its case file. */
static bool names_case(const char *name, const struct case_def *d)
{
	return strcmp(d->name, name) == 0 || strcmp(d->group, name) == 0;
}

/* Whether d is one the command line names; every case when it names
 * none. */
static bool named(const struct cli *c, const struct case_def *d)
{
	int i;

	for (i = 0; i < c->nonly; i++)
		if (names_case(c->only[i], d))
			return true;
	return c->nonly == 0;
}

/* Exits 2 unless each name on the command line is one of the cases that
 * keep[] keeps, suggesting the nearest. */
static void check_names(const struct cli *c, const struct case_def *cs,
			const bool *keep, int n)
{
	int i, j, m;

	for (i = 0; i < c->nonly; i++) {
		for (j = 0; j < n && !(keep[j] && names_case(c->only[i], &cs[j]));
		     j++)
			;
		if (j < n)
			continue;
		const char **names = calloc((size_t)n * 2 + 1, sizeof(*names));
		char tail[256] = "";

		for (j = 0, m = 0; names && j < n; j++)
			if (keep[j]) {
				names[m++] = cs[j].name;
				names[m++] = cs[j].group;
			}
		if (names)
			answer_suggest(c->only[i], names, m, tail,
				       sizeof(tail));
		free(names);
		require_namespaces_end();
		fprintf(stderr, "icmplab: no case '%s' in %s%s (see "
				"icmplab list)\n",
			c->only[i], c->cases_dir, tail);
		exit(EXIT_USAGE);
	}
}

/* The cases the command line asks for. A case_def is hundreds of
 * kilobytes, mostly empty arrays: when some are left out, the kept are
 * copied once, by their parts in use, into an array of their own. */
static int load(struct cli *c, struct case_def **cases)
{
	char err[1024];
	int n = case_load_dir(c->cases_dir, catalog_vocab(), cases, err,
			      sizeof(err));
	struct case_def *cs = *cases;
	bool *keep;
	int i, k = 0;

	/* A machine that cannot run the suite says so first (exit 4),
	 * whatever the cases hold. */
	if (n < 0) {
		require_namespaces_end();
		fprintf(stderr, "icmplab: %s\n", err);
		exit(EXIT_USAGE);
	}
	/* What the parser cannot see one value at a time (a code name of
	 * another type, mtu= without type=3): before anything runs. */
	for (i = 0; i < n; i++) {
		const struct fault_def *f = fault_find(cs[i].fault);
		struct param_block a;

		if (f && fault_params(f, &cs[i], &a, err, sizeof(err)) < 0) {
			require_namespaces_end();
			fprintf(stderr, "icmplab: %s\n", err);
			exit(EXIT_USAGE);
		}
	}
	keep = calloc((size_t)n + 1, sizeof(*keep));
	if (!keep) {
		fprintf(stderr, "icmplab: out of memory\n");
		exit(EXIT_USAGE);
	}
	for (i = 0; i < n; i++) {
		/* run --family ipv4|ipv6 */
		keep[i] = filter_probes(c, &cs[i]) &&
			  !(c->family_given && c->family &&
			    cs[i].family != c->family);
		if (keep[i])
			add_cmd_probe(c, &cs[i]);
	}
	check_names(c, cs, keep, n);
	for (i = 0; i < n; i++)
		keep[i] = keep[i] && named(c, &cs[i]);
	for (i = 0; i < n; i++)
		k += keep[i];
	if (k < n) {
		struct case_def *kept = calloc((size_t)k + 1, sizeof(*kept));

		if (!kept) {
			fprintf(stderr, "icmplab: out of memory\n");
			exit(EXIT_USAGE);
		}
		for (i = 0, k = 0; i < n; i++)
			if (keep[i])
				case_def_copy(&kept[k++], &cs[i]);
		free(cs);
		*cases = kept;
	}
	free(keep);
	return k;
}

/* What a results file holds: a document built in memory (the stub of a
 * run under way), or a run's spool (spool.h). */
struct results_src {
	json_t *doc;
	struct spool *spool;
};

static int emit_results(FILE *f, const struct results_src *r)
{
	if (r->spool)
		return spool_write_json(r->spool, f);
	return json_dumpf(r->doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
}

/* Why emit_results failed: the spool's own reason, else errno's. */
static const char *results_why(const struct results_src *r)
{
	if (r->spool && r->spool->err[0])
		return r->spool->err;
	return errno ? strerror(errno) : "write failed";
}

/* Writes the results document to path ('-': stdout) through outfile.h:
 * complete or not at all, never through a link. 0, or -1 after saying on
 * stderr which file and why. */
static int write_results(const char *path, const struct results_src *r)
{
	struct outfile o;
	char err[PATH_MAX + 256];

	errno = 0;
	if (strcmp(path, "-") == 0) {
		if (emit_results(stdout, r) < 0 || putchar('\n') == EOF ||
		    fflush(stdout) == EOF) {
			fprintf(stderr,
				"icmplab: cannot write the results to stdout: "
				"%s\n",
				results_why(r));
			return -1;
		}
		return 0;
	}
	if (outfile_open(&o, path, err, sizeof(err)) < 0)
		goto fail;
	if (emit_results(o.f, r) < 0 || fputc('\n', o.f) == EOF) {
		snprintf(err, sizeof(err), "cannot write %s: %s", path,
			 results_why(r));
		outfile_abort(&o);
		goto fail;
	}
	if (outfile_commit(&o, err, sizeof(err)) == 0)
		return 0;
fail:
	fprintf(stderr, "icmplab: %s\n", err);
	return -1;
}

/* Writes the matrix to path, as write_results. */
static int write_matrix(const char *path, json_t *doc)
{
	struct outfile o;
	char err[PATH_MAX + 256];

	if (outfile_open(&o, path, err, sizeof(err)) == 0) {
		report_matrix(o.f, doc);
		if (outfile_commit(&o, err, sizeof(err)) == 0)
			return 0;
	}
	fprintf(stderr, "icmplab: %s\n", err);
	return -1;
}

/* --out DIR before a run: the previous run's files go first (its
 * results.json, matrix.txt, every .pcap in pcap/, and the temporary files of an
 * interrupted run), so that nothing of it can pass for this run's; then a
 * results.json that says "complete": false stands until the whole document
 * replaces it. Only names icmplab writes are removed, and a link is
 * removed, never followed. 0, or -1 after saying why on stderr. */
static int prepare_out(const char *out, const char *pcapdir)
{
	static const char *const mine[] = {"results.json", "matrix.txt",
					   "index.html", NULL};
	char path[PATH_MAX];
	struct dirent *e;
	size_t n;
	json_t *stub;
	DIR *d;
	int i, rc;

	for (i = 0; mine[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", out, mine[i]);
		if (unlink(path) < 0 && errno != ENOENT) {
			fprintf(stderr, "icmplab: cannot remove %s: %s\n",
				path, strerror(errno));
			return -1;
		}
	}
	/* Left by a run killed while writing (outfile.h's ".NAME.XXXXXX"). */
	for (i = 0; i < 2; i++) {
		d = opendir(i ? pcapdir : out);
		if (!d) {
			fprintf(stderr, "icmplab: cannot read %s: %s\n",
				i ? pcapdir : out, strerror(errno));
			return -1;
		}
		while ((e = readdir(d))) {
			n = strlen(e->d_name);
			if (!(i && n > 5 &&
			      strcmp(e->d_name + n - 5, ".pcap") == 0) &&
			    !(e->d_name[0] == '.' &&
			      (strncmp(e->d_name, ".results.json.", 14) == 0 ||
			       strncmp(e->d_name, ".matrix.txt.", 12) == 0 ||
			       strncmp(e->d_name, ".index.html.", 12) == 0 ||
			       (i && strstr(e->d_name, ".pcap.")))))
				continue;
			if (unlinkat(dirfd(d), e->d_name, 0) < 0 &&
			    errno != ENOENT) {
				fprintf(stderr,
					"icmplab: cannot remove %s/%s: %s\n",
					i ? pcapdir : out, e->d_name,
					strerror(errno));
				closedir(d);
				return -1;
			}
		}
		closedir(d);
	}
	if (cellpcap_clear(pcapdir, path, sizeof(path)) < 0) {
		fprintf(stderr, "icmplab: %s\n", path);
		return -1;
	}
	stub = json_pack("{s:s, s:b}", "icmplab", "1", "complete", 0);
	snprintf(path, sizeof(path), "%s/results.json", out);
	rc = write_results(path, &(struct results_src){.doc = stub});
	json_decref(stub);
	return rc;
}

static void mkdir_p(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		err(EXIT_USAGE, "mkdir %s", path);
}

/* How many of the outputs go to standard output ('-'). */
static int stdout_outputs(const struct cli *c)
{
	const char *const paths[] = {c->json_path, c->ktap_path, c->junit_path,
				     c->baseline_out};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		n += paths[i] && strcmp(paths[i], "-") == 0;
	return n;
}

/* Writes one report of doc to path, if asked; false after saying why it
 * could not. */
static bool write_report(const char *path, resdoc_writer w, json_t *doc)
{
	char err[PATH_MAX + 256];

	if (!path || resdoc_write_path(path, w, doc, err, sizeof(err)) == 0)
		return true;
	fprintf(stderr, "icmplab: %s\n", err);
	return false;
}

/* The HTML report of doc to path, dated date (NULL: now); false after
 * saying why it could not. */
static bool write_html(const char *path, json_t *doc, const char *date)
{
	char err[PATH_MAX + 256];

	if (html_write_path(path, doc, date, err, sizeof(err)) == 0)
		return true;
	fprintf(stderr, "icmplab: %s\n", err);
	return false;
}

/* HTML report i of a spool to path; false after saying why. */
static bool write_html_spooled(const char *path, struct spool *s, int i)
{
	char err[PATH_MAX + 256];

	if (html_write_path_with(path, s->doc, NULL, spool_html_case,
				 &s->html[i], err, sizeof(err)) == 0)
		return true;
	fprintf(stderr, "icmplab: %s%s%s\n", err, s->err[0] ? ": " : "",
		s->err);
	return false;
}

/* --baseline: the part of the stored run that this run's selection covers
 * is compared; the differences go to f. True when they differ. */
static bool compare_baseline(const struct cli *c, json_t *base, json_t *doc,
			     FILE *f)
{
	struct diff_scope s = {
		.cases = (const char *const *)c->only,
		.ncases = c->nonly,
		.probes = c->probe_filter,
		.nprobes = c->nfilter,
		.family = !c->family_given || !c->family ? NULL
			  : c->family == AF_INET6	  ? "ipv6"
							  : "ipv4",
	};

	fprintf(f, "\ncompared with the baseline %s:\n", c->baseline);
	return diff_results(f, base, doc, &s, NULL) > 0;
}

/* The progress line on a terminal: cases done, cells failed, elapsed,
 * rewritten in place. */
struct progress {
	struct timespec start;
	bool shown;
};

static void progress_line(void *arg, int done, int total, int failed)
{
	struct progress *p = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "\r%d/%d cases, %d cell%s failed, %.1f s ", done,
		total, failed, failed == 1 ? "" : "s",
		(double)(now.tv_sec - p->start.tv_sec) +
			(double)(now.tv_nsec - p->start.tv_nsec) / 1e9);
	p->shown = true;
}

/* What cmd_run does with each case's result as it comes in (suite.h):
 * the spool writes it out and keeps the slim cells; --pcap-per-cell cuts
 * the case's cells' captures at once. */
struct run_sink {
	struct spool spool;
	bool cell_pcaps;
	char pcap_err[PATH_MAX + 256]; /* the first that failed; "" none */
};

static void run_sink(void *arg, int idx, json_t *res)
{
	struct run_sink *r = arg;
	json_t *one;

	(void)idx;
	/* The captures first: the HTML report links a cell's own capture
	 * when it is there (html.h). This case alone is a document enough
	 * for its cells' captures. */
	if (r->cell_pcaps && !r->pcap_err[0]) {
		one = json_pack("{s:[O], s:O}", "cases",
				json_object_get(res, "case"), "cells",
				json_object_get(res, "cells"));
		if (cellpcap_write_all(one, r->pcap_err,
				       sizeof(r->pcap_err)) < 0 &&
		    !r->pcap_err[0])
			snprintf(r->pcap_err, sizeof(r->pcap_err), "failed");
		json_decref(one);
	}
	spool_add(&r->spool, res);
}

/* The run options every command that runs cases shares. */
static void run_defaults(const struct cli *c, struct suite_opts *so,
			 const struct utsname *u)
{
	so->jobs = c->jobs ? c->jobs : 1;
	so->run.probe_dir = c->probe_dir;
	so->run.quiet_ms = c->quiet_ms;
	so->run.timeout_ms = c->timeout_ms;
	so->run.fixed_wait_ms = c->fixed_wait_ms;
	so->run.probe_cmd = c->probe_cmd;
	so->run.cmd_timeout_ms = c->cmd_timeout_ms;
	so->run.kver = kernel_version_parse(u->release);
	so->run.cpu = -1;
}

static int cmd_try(struct cli *c);

static int cmd_run(struct cli *c)
{
	struct progress prog = {.shown = false};
	struct suite_opts so = {0};
	struct run_sink sink;
	char bases[SPOOL_MAX_HTML][PATH_MAX];
	const char *hb[SPOOL_MAX_HTML] = {NULL, NULL}, *spool_dir;
	int nhtml, html_of_out = -1, html_of_path = -1, rc;
	bool keep;
	struct case_def *cases = NULL;
	char err[1024], pcapdir[PATH_MAX], path[PATH_MAX], abs[PATH_MAX];
	struct utsname u;
	struct suite_counts k;
	json_t *doc, *base = NULL;
	/* The matrix and tallies give way to a document on stdout. */
	FILE *term = stdout_outputs(c) ? stderr : stdout;
	bool unwritten = false; /* a result file could not be written */
	bool differs = false;
	int n;

	if (c->pcap_per_cell && !c->out_dir) {
		fprintf(stderr, "icmplab: --pcap-per-cell needs --out DIR (the "
				"cells' captures go to DIR/pcap/CASE/)\n");
		return EXIT_USAGE;
	}
	/* Without case names, --probe-cmd asks what try answers. */
	if (c->probe_cmd && c->nonly == 0)
		return cmd_try(c);
	/* Before anything else: as another user the case directory may not
	 * even be readable, and the answer must still be exit 4 (load ends
	 * the check before it reports). The check's child makes namespaces
	 * while the cases load. */
	require_namespaces_start();
	n = load(c, &cases);
	require_namespaces_end();
	/* An unreadable baseline is known before anything runs. */
	if (c->baseline) {
		base = resdoc_load(c->baseline, err, sizeof(err));
		if (!base) {
			fprintf(stderr, "icmplab: --baseline: %s\n", err);
			free(cases);
			return EXIT_USAGE;
		}
	}
	/* Test-only failure injection (helper.h): never silent, never a
	 * typo that quietly does nothing. */
	switch (helper_test_break_check(err, sizeof(err))) {
	case -1:
		fprintf(stderr, "icmplab: %s\n", err);
		free(cases);
		json_decref(base);
		return EXIT_USAGE;
	case 1:
		fprintf(stderr,
			"icmplab: test only: ICMPLAB_TEST_BREAK=%s makes a "
			"helper or probe fail on purpose\n",
			err);
		break;
	default:
		break;
	}
	uname(&u);
	run_defaults(c, &so, &u);
	/* Only for a person watching: a log or a pipe gets none of it. */
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &prog.start);
		so.progress = progress_line;
		so.progress_arg = &prog;
	}
	if (c->out_dir) {
		snprintf(pcapdir, sizeof(pcapdir), "%s/pcap", c->out_dir);
		mkdir_p(pcapdir);
		if (prepare_out(c->out_dir, pcapdir) < 0) {
			free(cases);
			json_decref(base);
			return EXIT_FAIL;
		}
		/* Absolute, so that a CI server finds the captures a report
		 * attaches (junit.h). */
		so.run.pcap_dir = realpath(pcapdir, abs) ? abs : pcapdir;
	}
	/* Each case's result is written out as it comes in; only the slim
	 * document stays (spool.h). The HTML reports: index.html, and --html
	 * unless it is the same directory's. */
	nhtml = 0;
	if (c->out_dir) {
		snprintf(path, sizeof(path), "%s/index.html", c->out_dir);
		html_base(path, bases[nhtml], sizeof(bases[0]));
		html_of_out = nhtml;
		hb[nhtml] = bases[nhtml][0] ? bases[nhtml] : NULL;
		nhtml++;
	}
	if (c->html_path) {
		html_base(c->html_path, bases[nhtml], sizeof(bases[0]));
		if (html_of_out >= 0 &&
		    strcmp(bases[nhtml], bases[html_of_out]) == 0) {
			html_of_path = html_of_out;
		} else {
			html_of_path = nhtml;
			hb[nhtml] = bases[nhtml][0] ? bases[nhtml] : NULL;
			nhtml++;
		}
	}
	memset(&sink, 0, sizeof(sink));
	sink.cell_pcaps = c->pcap_per_cell;
	/* Nothing made from the cells: their tally is enough. */
	keep = !c->quiet_matrix || c->out_dir || c->json_path ||
	       c->html_path || c->ktap_path || c->junit_path ||
	       c->baseline_out || c->baseline;
	spool_dir = c->out_dir ? c->out_dir
		    : getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR")
							    : "/tmp";
	rc = spool_open(&sink.spool, suite_head(&so), spool_dir,
			c->out_dir || c->json_path, hb, nhtml, err,
			sizeof(err));
	sink.spool.keep_cells = keep;
	if (rc < 0 ||
	    suite_stream(cases, n, &so, run_sink, &sink, err, sizeof(err)) <
		    0) {
		free(cases);
		if (prog.shown)
			fprintf(stderr, "\r\033[K");
		fprintf(stderr, "icmplab: %s\n", err);
		spool_close(&sink.spool);
		json_decref(base);
		return EXIT_FAIL;
	}
	free(cases);
	if (prog.shown)
		fprintf(stderr, "\r\033[K");
	doc = spool_finish(&sink.spool);
	if (!c->quiet_matrix && c->full_matrix)
		report_matrix(term, doc);
	else if (!c->quiet_matrix)
		report_short(term, doc);
	if (c->out_dir) {
		snprintf(path, sizeof(path), "%s/results.json", c->out_dir);
		if (write_results(path,
				  &(struct results_src){.spool = &sink.spool}) < 0)
			unwritten = true;
		snprintf(path, sizeof(path), "%s/matrix.txt", c->out_dir);
		if (write_matrix(path, doc) < 0)
			unwritten = true;
		if (sink.pcap_err[0]) {
			fprintf(stderr, "icmplab: --pcap-per-cell: %s\n",
				sink.pcap_err);
			unwritten = true;
		}
		snprintf(path, sizeof(path), "%s/index.html", c->out_dir);
		if (!write_html_spooled(path, &sink.spool, html_of_out))
			unwritten = true;
	}
	if (c->html_path &&
	    !write_html_spooled(c->html_path, &sink.spool, html_of_path))
		unwritten = true;
	if (c->json_path &&
	    write_results(c->json_path,
			  &(struct results_src){.spool = &sink.spool}) < 0)
		unwritten = true;
	if (!write_report(c->ktap_path, ktap_write, doc))
		unwritten = true;
	if (!write_report(c->junit_path, junit_write, doc))
		unwritten = true;
	if (!write_report(c->baseline_out, diff_write_baseline, doc))
		unwritten = true;
	if (base)
		differs = compare_baseline(c, base, doc, term);
	k = suite_summary(doc);
	fprintf(term,
		"\n%d cells: %d pass, %d fail, %d skip, %d error, %d info "
		"(kernel %s)%s%s\n",
		k.pass + k.fail + k.skip + k.error + k.info, k.pass, k.fail,
		k.skip, k.error, k.info, u.release, c->out_dir ? "; results in " : "",
		c->out_dir ? c->out_dir : "");
	spool_close(&sink.spool);
	json_decref(base);
	if (k.fail || k.error || unwritten || differs)
		return EXIT_FAIL;
	if (k.skip && !k.pass)
		return EXIT_SKIP;
	return EXIT_PASS;
}

/* icmplab try CMD (or run --probe-cmd CMD alone): try.h. */
static int cmd_try(struct cli *c)
{
	struct try_opts t = {.command = c->probe_cmd,
			     .family = c->family,
			     .out_dir = c->out_dir,
			     .json_path = c->json_path};
	char err[PATH_MAX + 256];
	struct utsname u;
	bool usage_err = false;
	json_t *doc;
	int errors;

	require_namespaces();
	uname(&u);
	run_defaults(c, &t.so, &u);
	if (try_defaults(&t, c->jobs,
			 c->cases_dir != c->default_cases ? c->cases_dir : NULL,
			 c->default_cases, err, sizeof(err)) < 0 ||
	    !(doc = try_run(&t, &usage_err, err, sizeof(err)))) {
		fprintf(stderr, "icmplab try: %s\n", err);
		return usage_err ? EXIT_USAGE : EXIT_FAIL;
	}
	errors = try_print(stdout, doc, c->probe_cmd);
	if (try_write(&t, doc, err, sizeof(err)) < 0) {
		fprintf(stderr, "icmplab try: %s\n", err);
		errors++;
	}
	json_decref(doc);
	return errors ? EXIT_FAIL : EXIT_PASS;
}

/* icmplab diff OLD NEW, or diff --normalize IN OUT. */
static int cmd_diff(struct cli *c)
{
	json_t *a, *b;
	char err[PATH_MAX + 256];
	int d;

	if (c->nonly != 2) {
		fprintf(stderr, "icmplab diff: needs two results documents "
				"(%s)\n",
			c->normalize ? "IN OUT" : "OLD.json NEW.json");
		return EXIT_USAGE;
	}
	a = resdoc_load(c->only[0], err, sizeof(err));
	if (!a) {
		fprintf(stderr, "icmplab diff: %s\n", err);
		return EXIT_USAGE;
	}
	if (c->normalize) {
		d = resdoc_write_path(c->only[1], diff_write_baseline, a, err,
				      sizeof(err));
		json_decref(a);
		if (d < 0)
			fprintf(stderr, "icmplab diff: %s\n", err);
		return d < 0 ? EXIT_FAIL : EXIT_PASS;
	}
	b = resdoc_load(c->only[1], err, sizeof(err));
	if (!b) {
		fprintf(stderr, "icmplab diff: %s\n", err);
		json_decref(a);
		return EXIT_USAGE;
	}
	d = diff_results(stdout, a, b, NULL, NULL);
	json_decref(a);
	json_decref(b);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "icmplab diff: cannot write to standard "
				"output: %s\n",
			strerror(errno));
		return EXIT_FAIL;
	}
	return d ? EXIT_FAIL : EXIT_PASS;
}

/* The terminal reports as resdoc writers. */
static int report_text_short(FILE *f, json_t *doc)
{
	report_short(f, doc);
	return ferror(f) ? -1 : 0;
}

static int report_text_full(FILE *f, json_t *doc)
{
	report_matrix(f, doc);
	return ferror(f) ? -1 : 0;
}

/* icmplab report --ktap FILE --junit FILE RESULTS.json: the reporters on a
 * stored run. */
static int cmd_report(struct cli *c)
{
	json_t *doc;
	char err[PATH_MAX + 256];
	bool ok;

	if (c->nonly != 1) {
		fprintf(stderr, "icmplab report: usage: icmplab report "
				"[--ktap FILE] [--junit FILE] [--matrix full] "
				"RESULTS.json\n");
		return EXIT_USAGE;
	}
	doc = resdoc_load(c->only[0], err, sizeof(err));
	if (!doc) {
		fprintf(stderr, "icmplab report: %s\n", err);
		return EXIT_USAGE;
	}
	/* No converter asked for: the terminal report of the stored run. */
	if (!c->ktap_path && !c->junit_path && !c->html_path) {
		ok = write_report("-", c->full_matrix ? report_text_full
						      : report_text_short,
				  doc);
		json_decref(doc);
		return ok ? EXIT_PASS : EXIT_FAIL;
	}
	ok = write_report(c->ktap_path, ktap_write, doc);
	ok = write_report(c->junit_path, junit_write, doc) && ok;
	if (c->html_path) {
		struct stat st;
		char date[64];
		struct tm tm;

		/* A stored run is dated by its document. */
		date[0] = '\0';
		if (stat(c->only[0], &st) == 0)
			strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC",
				 gmtime_r(&st.st_mtime, &tm));
		ok = write_html(c->html_path, doc, date[0] ? date : NULL) && ok;
	}
	json_decref(doc);
	return ok ? EXIT_PASS : EXIT_FAIL;
}

/* icmplab show CASE [PROBE] (show.h). */
static int cmd_show(struct cli *c)
{
	return show_command(c->results_path, c->default_results, c->pcap_out,
			    (const char *const *)c->only, c->nonly);
}

/* icmplab read CAPTURE: see readcap.h. */
static int cmd_read(struct cli *c)
{
	const char *path = c->results_path ? c->results_path
					   : c->default_results;
	char err[PATH_MAX + 512];
	struct readcap r;
	json_t *doc = NULL;
	int rc, wr;

	if (c->nonly != 1) {
		fprintf(stderr, "icmplab read: usage: icmplab read [--results "
				"FILE] [--json FILE] CAPTURE.pcap\n");
		return EXIT_USAGE;
	}
	if (c->results_path || access(path, F_OK) == 0) {
		doc = resdoc_load(path, err, sizeof(err));
		if (!doc) {
			fprintf(stderr, "icmplab read: %s\n", err);
			return EXIT_USAGE;
		}
	}
	rc = readcap_open(&r, c->only[0], err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "icmplab read: %s\n", err);
		readcap_free(&r);
		json_decref(doc);
		return EXIT_USAGE;
	}
	if (c->json_path) {
		wr = readcap_write_json_path(c->json_path, &r, doc, path, err,
					     sizeof(err));
	} else {
		wr = readcap_text(stdout, &r, doc, path);
		if (fflush(stdout) == EOF || wr < 0) {
			wr = -1;
			snprintf(err, sizeof(err),
				 "cannot write standard output: %s",
				 strerror(errno));
		}
	}
	readcap_free(&r);
	json_decref(doc);
	if (wr < 0) {
		fprintf(stderr, "icmplab read: %s\n", err);
		return EXIT_FAIL;
	}
	return rc > 0 ? EXIT_FAIL : EXIT_PASS;
}

/* icmplab why STYLE FAULT: the cell from the stored run (--results, or
 * results/latest), or from a run of just the cases that show it. */
static int cmd_why(struct cli *c)
{
	const char *path = c->results_path ? c->results_path
					   : c->default_results;
	const char *style, *asked, **names = NULL;
	char err[PATH_MAX + 512];
	struct case_def *cases = NULL;
	struct suite_opts so = {0};
	struct utsname u;
	json_t *doc = NULL;
	int n, i, k, picked = 0, rc;
	bool has_style = false, doc_seen;

	if (c->nonly != 2) {
		fprintf(stderr, "icmplab why: usage: icmplab why [--results "
				"FILE] STYLE FAULT (e.g. icmplab why "
				"udp-connected ttl_exceeded)\n");
		return EXIT_USAGE;
	}
	style = c->only[0];
	asked = c->only[1];
	/* A stored run named by the user must be readable; the default one
	 * may simply not exist yet. */
	if (c->results_path || access(path, F_OK) == 0) {
		doc = resdoc_load(path, err, sizeof(err));
		if (!doc) {
			fprintf(stderr, "icmplab why: %s\n", err);
			return EXIT_USAGE;
		}
	}
	c->nonly = 0;
	n = load(c, &cases);
	names = calloc((size_t)n + 1, sizeof(*names));
	if (!names) {
		fprintf(stderr, "icmplab why: out of memory\n");
		free(cases);
		json_decref(doc);
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		names[i] = cases[i].name;
	rc = answer_resolve(doc, names, n, &style, asked, err, sizeof(err));
	free(names);
	if (rc < 0) {
		fprintf(stderr, "icmplab why: %s\n", err);
		free(cases);
		json_decref(doc);
		return EXIT_USAGE;
	}
	if (doc && answer_why(stdout, doc, style, asked) == 0) {
		free(cases);
		json_decref(doc);
		return EXIT_PASS;
	}
	doc_seen = doc != NULL;
	json_decref(doc);
	/* No stored run has the cell: run every case that shows this fault
	 * (one of them with this style), with all their probes, so that the
	 * styles to use instead are measured too. */
	for (i = 0; i < n; i++) {
		if (!answer_case_matches(cases[i].name, cases[i].fault, asked))
			continue;
		for (k = 0; k < cases[i].nprobes; k++)
			if (strcmp(cases[i].probes[k], style) == 0)
				has_style = true;
		cases[picked++] = cases[i];
	}
	if (!has_style) {
		fprintf(stderr, "icmplab why: no case runs %s under '%s' (see "
				"icmplab list)\n",
			style, asked);
		free(cases);
		return EXIT_USAGE;
	}
	require_namespaces();
	fprintf(stderr, "icmplab why: %s %s; running the %d case%s of '%s' "
			"now\n",
		doc_seen ? "no cell of that style and fault in" : "no stored run at",
		path, picked, picked == 1 ? "" : "s", asked);
	uname(&u);
	run_defaults(c, &so, &u);
	doc = suite_run(cases, picked, &so, err, sizeof(err));
	free(cases);
	if (!doc) {
		fprintf(stderr, "icmplab why: %s\n", err);
		return EXIT_FAIL;
	}
	rc = answer_why(stdout, doc, style, asked);
	json_decref(doc);
	if (rc) {
		fprintf(stderr, "icmplab why: the run has no %s cell for "
				"'%s'\n",
			style, asked);
		return EXIT_FAIL;
	}
	return EXIT_PASS;
}

static int cmd_list(struct cli *c, bool check)
{
	struct case_def *cases = NULL;
	int n = load(c, &cases), i, files = 0;

	for (i = 0; i < n && !check; i++)
		printf("%-28s %-5s %-18s %s\n", cases[i].name,
		       cases[i].family == AF_INET6 ? "ipv6" : "ipv4",
		       cases[i].fault, cases[i].title);
	/* Instances of one file are adjacent. */
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(cases[i].path, cases[i - 1].path) != 0)
			files++;
	if (check)
		printf("%d cases from %d case files parse\n", n, files);
	free(cases);
	return EXIT_PASS;
}

/* Prints every instance as the one-case file it expands to. */
static int cmd_expand(struct cli *c)
{
	struct case_def *cases = NULL;
	int n = load(c, &cases), i, rc = EXIT_PASS;

	for (i = 0; i < n; i++)
		if (case_write(stdout, &cases[i]))
			rc = EXIT_FAIL;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "icmplab: cannot write the cases: %s\n",
			strerror(errno));
		rc = EXIT_FAIL;
	}
	free(cases);
	return rc;
}

/* One line per probe style: name, what runs it, families, summary. */
static int cmd_probes(void)
{
	const struct probe_def *p;
	char bin[64];

	for (p = probe_defs; p->name; p++) {
		if (p->kind == PROBE_COMMAND || !p->binary)
			snprintf(bin, sizeof(bin), "(user command)");
		else
			snprintf(bin, sizeof(bin), "icmplab-probe-%s",
				 p->binary);
		printf("%-24s %-18s %-10s %s\n", p->name, bin,
		       probe_families_str(p->families), p->summary);
	}
	return EXIT_PASS;
}

/* A fault and its parameter schema: name=, kind and range, default, and
 * the doc line. *arg collects the families whose ICMP names it takes. */
static void print_fault(const struct fault_def *f, void *arg)
{
	const struct param_spec *s;
	unsigned *families = arg;
	char kind[256], key[40];

	printf("%s: %s\n", f->name, f->summary);
	for (s = f->params; s->name; s++) {
		snprintf(key, sizeof(key), "%s=", s->name);
		printf("    %-10s %s", key,
		       param_kind_str(s, kind, sizeof(kind)));
		if (s->required)
			printf(" (required)");
		else if (s->dflt)
			printf(" (default %s)", s->dflt);
		printf("\n    %-10s %s\n", "", s->doc);
		if (s->kind == PARAM_ICMP_TYPE || s->kind == PARAM_ICMP_CODES)
			*families |= s->family == PARAM_FAMILY_CASE ? 3u
				     : s->family == AF_INET6	   ? 2u
								   : 1u;
	}
}

/* The input names of t as "name|alias N, ...": each value once, with
 * every name a case may write for it. */
static void print_names(const struct tok *t)
{
	const struct tok *k, *j;
	int first = 1;

	for (k = t; k->s; k++) {
		if (!icmp_name_is_input(k->s))
			continue;
		for (j = t; j < k; j++)
			if (j->v == k->v && icmp_name_is_input(j->s))
				break;
		if (j < k)
			continue; /* printed with its first name */
		printf("%s%s", first ? "" : ", ", k->s);
		for (j = k + 1; j->s; j++)
			if (j->v == k->v && icmp_name_is_input(j->s))
				printf("|%s", j->s);
		printf(" %d", k->v);
		first = 0;
	}
	printf("\n");
}

/* The ICMP names type= and code= accept, per family. */
static void print_icmp_names(int family)
{
	const struct tok *codes;
	int type;

	printf("\n%s names for type= and code= (numbers work too):\n"
	       "  types: ",
	       family == AF_INET6 ? "ICMPv6" : "ICMPv4");
	print_names(icmp_type_table(family));
	for (type = 0; type < 256; type++) {
		codes = icmp_code_table(family, type);
		if (!codes)
			continue;
		printf("  codes of %s (%d): ", icmp_type_name(family, type),
		       type);
		print_names(codes);
	}
}

static int cmd_faults(void)
{
	unsigned families = 0;

	fault_foreach(print_fault, &families);
	if (families & 1u)
		print_icmp_names(AF_INET);
	if (families & 2u)
		print_icmp_names(AF_INET6);
	return EXIT_PASS;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"cases", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},
		{"json", required_argument, NULL, 'J'},
		{"ktap", required_argument, NULL, 'K'},
		{"junit", required_argument, NULL, 'U'},
		{"baseline", required_argument, NULL, 'B'},
		{"baseline-out", required_argument, NULL, 'O'},
		{"normalize", no_argument, NULL, 'N'},
		{"quiet-ms", required_argument, NULL, 'q'},
		{"jobs", required_argument, NULL, 'j'},
		{"timeout-ms", required_argument, NULL, 'T'},
		{"probe-dir", required_argument, NULL, 'P'},
		{"no-matrix", no_argument, NULL, 'M'},
		{"fixed-wait-ms", required_argument, NULL, 'F'},
		{"probe-cmd", required_argument, NULL, 'C'},
		{"cmd-timeout", required_argument, NULL, 'W'},
		{"family", required_argument, NULL, 'Y'},
		{"probe", required_argument, NULL, 'p'},
		{"matrix", required_argument, NULL, 'X'},
		{"results", required_argument, NULL, 'R'},
		{"html", required_argument, NULL, 'H'},
		{"pcap", required_argument, NULL, 'A'},
		{"pcap-per-cell", no_argument, NULL, 'Z'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* jobs 0: not given (run: 1; try: the CPUs). */
	struct cli c = {
		.quiet_ms = 2000, .jobs = 0, .timeout_ms = 10000, .family = AF_INET};
	const char *cmd;
	int o;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0) {
		if (argc < 3 || !command_usage(stdout, argv[2]))
			usage(stdout);
		return EXIT_PASS;
	}
	locate(&c);
	optind = 2;
	while ((o = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			c.cases_dir = optarg;
			break;
		case 'o':
			c.out_dir = optarg;
			break;
		case 'J':
			c.json_path = optarg;
			break;
		case 'K':
			c.ktap_path = optarg;
			break;
		case 'U':
			c.junit_path = optarg;
			break;
		case 'B':
			c.baseline = optarg;
			break;
		case 'O':
			c.baseline_out = optarg;
			break;
		case 'N':
			c.normalize = true;
			break;
		case 'q':
			c.quiet_ms = (int)number("--quiet-ms", optarg, 1, 10000);
			break;
		case 'j':
			c.jobs = (int)number("--jobs", optarg, 1, 64);
			break;
		case 'T':
			c.timeout_ms = (int)number("--timeout-ms", optarg, 100,
						   600000);
			break;
		case 'P':
			snprintf(c.probe_dir, sizeof(c.probe_dir), "%s", optarg);
			break;
		case 'M':
			c.quiet_matrix = true;
			break;
		case 'C':
			/* The longest a case file's command line may be too:
			 * a longer one would be cut, and run cut. */
			if (strlen(optarg) >= CASE_TEXT_MAX) {
				fprintf(stderr, "icmplab: --probe-cmd: %zu bytes; "
						"at most %d (put a longer command "
						"in a script)\n",
					strlen(optarg), CASE_TEXT_MAX - 1);
				return EXIT_USAGE;
			}
			c.probe_cmd = optarg;
			break;
		case 'p':
			if (!probe_find(optarg)) {
				const char *names[64];
				char tail[256];
				int np = 0;
				const struct probe_def *d;

				for (d = probe_defs; d->name && np < 64; d++)
					names[np++] = d->name;
				answer_suggest(optarg, names, np, tail,
					       sizeof(tail));
				fprintf(stderr, "icmplab: --probe: unknown probe "
						"'%s'%s (see icmplab probes)\n",
					optarg, tail);
				return EXIT_USAGE;
			}
			if (c.nfilter < CASE_MAX_PROBES)
				c.probe_filter[c.nfilter++] = optarg;
			break;
		case 'F':
			c.fixed_wait_ms = (int)number("--fixed-wait-ms", optarg,
						      1, 10000);
			break;
		case 'X':
			if (strcmp(optarg, "full") != 0 &&
			    strcmp(optarg, "short") != 0) {
				fprintf(stderr, "icmplab: --matrix: '%s'; expected "
						"full or short\n",
					optarg);
				return EXIT_USAGE;
			}
			c.full_matrix = strcmp(optarg, "full") == 0;
			break;
		case 'R':
			c.results_path = optarg;
			break;
		case 'H':
			c.html_path = optarg;
			break;
		case 'A':
			c.pcap_out = optarg;
			break;
		case 'Z':
			c.pcap_per_cell = true;
			break;
		case 'W':
			c.cmd_timeout_ms = (int)number("--cmd-timeout", optarg,
						       10, 600000);
			break;
		case 'Y':
			if (strcmp(optarg, "ipv4") != 0 &&
			    strcmp(optarg, "ipv6") != 0 &&
			    strcmp(optarg, "all") != 0) {
				fprintf(stderr, "icmplab: --family: '%s'; "
						"expected ipv4, ipv6 or all\n",
					optarg);
				return EXIT_USAGE;
			}
			c.family = strcmp(optarg, "ipv4") == 0	 ? AF_INET
				   : strcmp(optarg, "ipv6") == 0 ? AF_INET6
								 : 0;
			c.family_given = true;
			break;
		case 'h':
			if (!command_usage(stdout, cmd))
				usage(stdout);
			return EXIT_PASS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!c.cases_dir)
		c.cases_dir = c.default_cases;
	c.only = argv + optind;
	c.nonly = argc - optind;
	if (stdout_outputs(&c) > 1) {
		fprintf(stderr, "icmplab: only one of --json, --ktap, --junit "
				"and --baseline-out can be '-' (stdout)\n");
		return EXIT_USAGE;
	}

	if (strcmp(cmd, "diff") == 0)
		return cmd_diff(&c);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(&c);
	if (strcmp(cmd, "why") == 0)
		return cmd_why(&c);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(&c);
	if (strcmp(cmd, "read") == 0)
		return cmd_read(&c);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(&c);
	if (strcmp(cmd, "try") == 0) {
		if (c.nonly != 1 || c.probe_cmd) {
			fprintf(stderr, "icmplab try: expected one command "
					"(quoted), such as 'nc -u -w1 {addr} "
					"{port}'\n");
			return EXIT_USAGE;
		}
		if (strlen(c.only[0]) >= CASE_TEXT_MAX) {
			fprintf(stderr, "icmplab try: the command has %zu "
					"bytes; at most %d (put a longer "
					"command in a script)\n",
				strlen(c.only[0]), CASE_TEXT_MAX - 1);
			return EXIT_USAGE;
		}
		c.probe_cmd = c.only[0];
		return cmd_try(&c);
	}
	if (strcmp(cmd, "expand") == 0)
		return cmd_expand(&c);
	if (c.nonly) {
		fprintf(stderr, "icmplab %s: unexpected argument '%s'\n", cmd,
			c.only[0]);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "list") == 0)
		return cmd_list(&c, false);
	if (strcmp(cmd, "check") == 0)
		return cmd_list(&c, true);
	if (strcmp(cmd, "probes") == 0)
		return cmd_probes();
	if (strcmp(cmd, "faults") == 0)
		return cmd_faults();
	fprintf(stderr, "icmplab: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
