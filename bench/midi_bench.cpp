// The MIDI remote's costs (docs/benchmarks.md): what a flood costs the audio thread (parse and
// enqueue per message), and what one control-thread poll costs when a 10 000 messages/s flood
// brings 50 messages in its 5 ms.
#include <benchmark/benchmark.h>

#include <vector>

#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/midi/midi_remote.hpp"

namespace {

using namespace phantom;

// [audio thread] One JACK event of 3 bytes (a CC), parsed and queued; drained outside timing.
void BM_MidiInPerMessage(benchmark::State& state) {
    midi::MidiLink link;
    const std::uint8_t cc[3] = {0xB0, 7, 64};
    midi::MidiMessage m;
    std::int64_t n = 0;
    for (auto _ : state) {
        link.midi_in_rt(cc, sizeof cc);
        if (++n % 1024 == 0) {
            state.PauseTiming();
            while (link.pop_in(m)) {
            }
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(n);
}
BENCHMARK(BM_MidiInPerMessage);

// [control thread] 50 knob messages (5 ms of a 10 kHz flood) mapped, coalesced, applied, with
// the feedback that follows.
void BM_MidiRemotePollOf50(benchmark::State& state) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
    control::Controller controller(iface, true);
    midi::MidiLink link;
    midi::MidiRemote remote(controller, link, midi::load_midi_map("knob"), {});
    controller.set("/monitor/volume", -30.0);
    std::vector<std::uint8_t> burst;
    for (int k = 0; k < 50; ++k)
        burst.insert(burst.end(), {0xB0, 7, static_cast<std::uint8_t>(40 + k % 40)});
    std::uint8_t out[3];
    for (auto _ : state) {
        link.midi_in_rt(burst.data(), burst.size());
        remote.poll();
        state.PauseTiming();
        while (link.midi_out_peek_rt(out))
            link.midi_out_pop_rt();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_MidiRemotePollOf50);

}  // namespace

BENCHMARK_MAIN();
