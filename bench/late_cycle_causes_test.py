#!/usr/bin/env python3
"""late_cycle_causes.py on a hand-written trace: jackd (tid 10) wakes a client (tid 20, its
process also has tid 21) six times, once for each case the analyzer tells apart. The times
are chosen so that each wait and run is known by subtraction."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def wake(t, cpu_of_jackd, target):
    return (f'  jackd-10 [{cpu_of_jackd:03d}] d..2. {t:.6f}: sched_waking: comm=client pid=20 '
            f'prio=94 target_cpu={target:03d}')


def ipi(t, cpu, comm, pid):
    return f'  {comm}-{pid} [{cpu:03d}] dnh.. {t:.6f}: reschedule_entry: vector=253'


def switch(t, cpu, prev, prev_pid, state, nxt, next_pid):
    return (f'  {prev}-{prev_pid} [{cpu:03d}] d..2. {t:.6f}: sched_switch: prev_comm={prev} '
            f'prev_pid={prev_pid} prev_prio=120 prev_state={state} ==> next_comm={nxt} '
            f'next_pid={next_pid} next_prio=94')


def cycle(woken, ipi_at, ran, slept, holder=('python3', 30)):
    """jackd (on CPU 0) wakes the client onto CPU 1, where HOLDER runs; CPU 1 takes the
    reschedule interrupt at IPI_AT (None: never), the client runs at RAN and sleeps at SLEPT."""
    comm, pid = holder
    lines = [wake(woken, 0, 1)]
    if ipi_at is not None:
        lines.append(ipi(ipi_at, 1, comm, pid))
    return lines + [switch(ran, 1, comm, pid, 'R', 'client', 20),
                    switch(slept, 1, 'client', 20, 'S', 'python3', 30)]


TRACE = [
    '# tracer: nop',
    switch(0.999000, 1, 'swapper/1', 0, 'R', 'python3', 30),
    # 1. An ordinary cycle: on the CPU 10 µs after the wake-up, asleep after 40 µs.
    *cycle(1.000000, 1.000005, 1.000010, 1.000050),
    # 2. The vCPU not running: the interrupt taken 3 ms late, the client on it just after.
    *cycle(1.010000, 1.013000, 1.013010, 1.013050),
    # 3. The interrupt in time, but kworker (in the kernel) keeps the CPU for 800 µs.
    switch(1.019000, 1, 'python3', 30, 'R', 'kworker/1:0', 40),
    *cycle(1.020000, 1.020005, 1.020800, 1.020850, holder=('kworker/1:0', 40)),
    # 4. The same, with the CPU kept by the client's own other thread (tid 21).
    switch(1.029000, 1, 'python3', 30, 'R', 'client', 21),
    *cycle(1.030000, 1.030005, 1.030700, 1.030750, holder=('client', 21)),
    # 5. On the CPU in time, then 900 µs before it sleeps: a slow run, the client's own.
    *cycle(1.040000, 1.040005, 1.040010, 1.040910),
    # 6. No interrupt seen at all, and nothing else from CPU 1 for 2 ms: the vCPU was not running.
    *cycle(1.050000, None, 1.052000, 1.052040),
]


class LateCycleCauses(unittest.TestCase):
    def run_on(self, lines):
        with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
            f.write('\n'.join(lines) + '\n')
        try:
            out = subprocess.run(
                [sys.executable, os.path.join(HERE, 'late_cycle_causes.py'), f.name, '10',
                 'client=20,21'], check=True, capture_output=True, text=True).stdout
        finally:
            os.unlink(f.name)
        return out.splitlines()

    def test_each_slow_wait_gets_its_cause_and_each_slow_run_is_the_clients(self):
        self.assertEqual(self.run_on(TRACE), [
            'slow-wait client vcpu-stalled',
            'slow-wait client not-given:kworker/1:0',
            'slow-wait client not-given-own:client',
            'slow-run client 900',
            'slow-wait client vcpu-stalled',
            # Longest wait: case 2, 3010 µs; longest run: case 5, 900 µs.
            'cycles client 6 max-wait-us 3010 max-run-us 900',
        ])

    def test_a_quiet_trace_has_no_slow_cycle(self):
        self.assertEqual(self.run_on(TRACE[:6]),
                         ['cycles client 1 max-wait-us 10 max-run-us 40'])


if __name__ == '__main__':
    unittest.main()
