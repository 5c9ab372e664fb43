#!/usr/bin/env python3
"""Why was a JACK client late? Reads a kernel trace (tracefs text) taken while jackd ran its
clients and splits each client's cycle into its two parts:

  wait  from jackd waking the client to the client getting a CPU;
  run   from getting the CPU to going back to sleep for the next cycle (its callback, plus
        anything that took the CPU from it meanwhile).

A client is late when the two add up to more than the period. Every wait longer than
SLOW_US is given a cause, from what the CPU the client was woken onto did meanwhile:

  vcpu-stalled       that CPU took the wake-up interrupt late (or showed no sign of life at
                     all): the hypervisor was not running that virtual CPU. No code in the
                     guest can help it.
  not-given:COMM     the interrupt came in time, but the CPU went on running COMM: kernel work
                     that a kernel without full preemption finishes before it switches, or a
                     stall of the vCPU just after the interrupt (seen with COMM a process in
                     user space, and the other vCPU stalled at the same moment); the trace
                     cannot always tell the two apart.
  not-given-own:COMM the same, with COMM a thread of the client's own process: that one would
                     be the client's doing.

A run longer than SLOW_US is the client's own (its callback, or a stall of its CPU while it
ran, which the trace cannot tell apart): it is counted against the client.

Usage: late_cycle_causes.py TRACE JACKD_RT_TID NAME=RT_TID[,OTHER_TID...] ...
Prints "slow-wait NAME CAUSE" for each slow wait, "slow-run NAME US" for each slow run, and per
client "cycles NAME N max-wait-us W max-run-us R".
The trace needs the events sched_switch, sched_waking and reschedule_entry (jack_soak.sh's
PHANTOM_XRUN_TRACE=1 records them).
"""
import re
import sys

SLOW_US = 500         # over a third of the 1333 µs period at 64 frames, 48 kHz
IPI_LATE_US = 200     # a reschedule interrupt taken later than this: the vCPU was not running

LINE = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+):\s+(\w+):\s+(.*)$')
FIELD = re.compile(r'(\w+)=(\S+)')


def events(path):
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line)
            if m:
                yield (float(m.group(4)), int(m.group(3)), m.group(5), m.group(6),
                       int(m.group(2)))


class Client:
    def __init__(self, name, own_tids):
        self.name, self.own = name, own_tids
        self.woken_at = None    # woken by jackd, not yet on a CPU
        self.cpu = None         # the CPU it was woken onto
        self.ipi_at = None      # when that CPU took a reschedule interrupt after the wake-up
        self.holder = None      # (comm, pid) that had that CPU when the interrupt came
        self.cpu_seen = False   # that CPU did anything at all after the wake-up
        self.ran_at = None      # on a CPU since, until it sleeps again
        self.cycles = 0
        self.max_wait_us = self.max_run_us = 0.0

    def wait_cause(self):
        # No interrupt and no other sign of life from that CPU, or the interrupt taken late.
        silent = self.ipi_at is None and not self.cpu_seen
        if silent or (self.ipi_at is not None and
                      (self.ipi_at - self.woken_at) * 1e6 > IPI_LATE_US):
            return 'vcpu-stalled'
        comm, pid = self.holder
        return ('not-given-own:' if pid in self.own else 'not-given:') + comm


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    path, jack_rt = argv[1], int(argv[2])
    clients = {}
    for spec in argv[3:]:
        name, tids = spec.split('=', 1)
        ids = [int(t) for t in tids.split(',')]
        clients[ids[0]] = Client(name, set(ids))
    current = {}      # cpu → (comm, pid) running on it
    for ts, cpu, name, rest, pid in events(path):
        f = dict(FIELD.findall(rest))
        if name == 'sched_switch':
            nxt = int(f['next_pid'])
            c = clients.get(nxt)
            if c and c.woken_at is not None:
                wait_us = (ts - c.woken_at) * 1e6
                c.max_wait_us = max(c.max_wait_us, wait_us)
                if wait_us > SLOW_US:
                    print('slow-wait', c.name, c.wait_cause())
                c.woken_at, c.ran_at = None, ts
            c = clients.get(int(f['prev_pid']))
            if c and c.ran_at is not None and f['prev_state'].startswith('S'):
                run_us = (ts - c.ran_at) * 1e6
                c.max_run_us = max(c.max_run_us, run_us)
                if run_us > SLOW_US:
                    print('slow-run %s %.0f' % (c.name, run_us))
                c.ran_at = None
            current[cpu] = (f['next_comm'], nxt)
        elif name == 'sched_waking':
            c = clients.get(int(f['pid']))
            if c and pid == jack_rt and c.woken_at is None and c.ran_at is None:
                c.woken_at, c.cpu, c.cycles = ts, int(f['target_cpu']), c.cycles + 1
                c.ipi_at, c.holder = None, current.get(c.cpu, ('?', 0))
                c.cpu_seen = c.cpu == cpu
        elif name == 'reschedule_entry':
            for c in clients.values():
                if c.woken_at is not None and c.cpu == cpu and c.ipi_at is None:
                    c.ipi_at, c.holder = ts, current.get(cpu, ('?', 0))
        for c in clients.values():
            if c.woken_at is not None and c.cpu == cpu and ts > c.woken_at:
                c.cpu_seen = True
    for c in clients.values():
        print('cycles %s %d max-wait-us %.0f max-run-us %.0f' %
              (c.name, c.cycles, c.max_wait_us, c.max_run_us))


if __name__ == '__main__':
    main(sys.argv)
