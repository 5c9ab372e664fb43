#!/usr/bin/python3
"""64 channels over netjack2 at 48 kHz / 256 frames between two network namespaces, for
PHANTOM_NETJACK_SECONDS (600): a master (`jackd -d dummy` + netmanager) with Phantom's stress-64
device on it, a slave (`jackd -d net -C 64 -P 64`) whose 64 channels feed Phantom's 64 inputs
through kept connections, and 64 of Phantom's output channels sent back to the slave.

Two peers run beside Phantom on the master, identical to each other: ecasound, 64 channels in
from the slave and 64 out (`-f:f32_le,64,48000 -i:jack -o:jack`), as clients `peer1` and
`peer2`. The late cycles in which jackd names a client still running its callback ("client =
X was not finished, state = Running") are counted for each: the two peers' counts are the
spread the machine's scheduler makes, and Phantom's is compared with it.

Printed, never asserted (docs/benchmarks.md keeps the figures): the master's late cycles (xrun
lines of its log), per client (Phantom, peer1, peer2, the slave's netmanager client), those of
the slave, Phantom's own xrun count and its DSP load every 60 s.

Root (namespaces); Debian's /usr/bin/python3 with python3-jack-client; ecasound.
Usage: sudo /usr/bin/python3 bench/netjack_64ch.py [BUILD_DIR]   (default: build)"""

import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build")
os.environ.setdefault("PHANTOM_BINARY", os.path.join(build, "phantom"))

import netjack_test as nj  # noqa: E402  the namespaces, servers and Phantom of the test

SECONDS = int(os.environ.get("PHANTOM_NETJACK_SECONDS", "600"))
CHANNELS = 64
PEERS = ("peer1", "peer2")


def main():
    why = nj.make_namespaces()
    if why:
        print(f"netjack_64ch: {why}")
        return 2
    work = tempfile.mkdtemp(prefix="phantom-netjack-bench-")
    log = lambda name: os.path.join(work, name + ".log")  # noqa: E731
    stack = []
    try:
        with nj.JackLock():
            master = nj.Process(["ip", "netns", "exec", nj.MASTER_NS, "jackd", "-n", nj.MASTER,
                                 "-d", "dummy", "-r", "48000", "-p", "256", "-C", "2", "-P",
                                 "2"], log("master"))
            stack.append(master.stop)
            if not nj.wait_for_server(nj.MASTER):
                print("netjack_64ch: the master did not start")
                return 2
            nj.run("jack_load", "-s", nj.MASTER, "netmanager")
            state = os.path.join(work, "state.json")
            connections = [{"from": f"{nj.SLAVE_NAME}:from_slave_{k}", "to": f"phantom:hw_in_in{k}"}
                           for k in range(1, CHANNELS + 1)]
            with open(state, "w") as f:
                json.dump({"phantom_session": 1, "device": "stress-64",
                           "connections": connections}, f)
            phantom = nj.Phantom(state, log("phantom"), device="stress-64")
            stack.append(phantom.stop)
            device = phantom.call("GET", "/api/device")
            outs = device["output_channels"][:CHANNELS]
            slave = nj.Process(["ip", "netns", "exec", nj.SLAVE_NS, "jackd", "-n", nj.SLAVE, "-d",
                                "net", "-n", nj.SLAVE_NAME, "-C", str(CHANNELS), "-P",
                                str(CHANNELS), "-i", "0", "-o", "0"], log("slave"))
            stack.append(slave.stop)
            if not nj.wait_for_server(nj.SLAVE):
                print("netjack_64ch: the slave did not start")
                return 2
            deadline = time.time() + 20
            while time.time() < deadline:
                states = [c["state"] for c in phantom.call("GET", "/api/connections")["connections"]]
                if states.count("connected") >= CHANNELS:
                    break
                time.sleep(0.2)
            env = dict(os.environ, JACK_DEFAULT_SERVER=nj.MASTER)
            for peer in PEERS:
                eca = nj.Process(["ecasound", "-q", f"-G:jack,{peer},notransport",
                                  f"-f:f32_le,{CHANNELS},48000", "-i:jack", "-o:jack"],
                                 log(peer), env=env)
                stack.append(eca.stop)
            # ecasound registers its ports before it activates: connect once the server takes it.
            for peer in PEERS:
                for k in range(1, CHANNELS + 1):
                    deadline = time.time() + 10
                    while nj.run("jack_connect", "-s", nj.MASTER,
                                 f"{nj.SLAVE_NAME}:from_slave_{k}", f"{peer}:in_{k}",
                                 check=False).returncode != 0:
                        if time.time() > deadline:
                            print(f"netjack_64ch: {peer}:in_{k} could not be connected")
                            return 2
                        time.sleep(0.2)
            for k, name in enumerate(outs, start=1):
                phantom.call("POST", "/api/connections",
                             {"from": f"phantom:hw_out_{name}", "to": f"{nj.SLAVE_NAME}:to_slave_{k}"})
            time.sleep(0.5)  # read back from the graph
            kept = phantom.call("GET", "/api/connections")["connections"]
            print(f"netjack_64ch: {sum(c['state'] == 'connected' for c in kept)} connections "
                  f"made ({CHANNELS} in, {len(outs)} out); running {SECONDS} s")
            start = time.time()
            x0 = phantom.call("GET", "/api/status")["xruns"]
            while time.time() - start < SECONDS:
                time.sleep(min(60, SECONDS - (time.time() - start)))
                s = phantom.call("GET", "/api/status")
                print(f"  {time.time() - start:6.0f} s: DSP load {s['dsp_load_percent']} %, "
                      f"xruns counted by Phantom {s['xruns'] - x0}, latency "
                      f"{s['latency_frames']} frames ({s['latency_ms']} ms)", flush=True)
    finally:
        for stop in reversed(stack):
            stop()
        nj.remove_namespaces()
    # jackd writes its log through a buffer: read it once the servers have stopped. One line a
    # late client a cycle; "state = Triggered" is a client woken but never given a CPU in time
    # (the machine's scheduling), "Running" one still running its callback.
    master_log = open(log("master")).read().splitlines()
    late = [line for line in master_log if "XRun" in line]
    slave_late = [line for line in open(log("slave")).read().splitlines() if "XRun" in line]
    print(f"netjack_64ch: {SECONDS} s; late-client lines on the master {len(late)}, on the slave "
          f"{len(slave_late)}; logs in {work}")
    print("  client      named late   of them still running its callback")
    for client in ("phantom", *PEERS, nj.SLAVE_NAME):
        named = [line for line in late if f"client = {client} was not finished" in line]
        running = [line for line in named if "state = Running" in line]
        print(f"  {client:10} {len(named):11} {len(running):12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
