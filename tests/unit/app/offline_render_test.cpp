// The offline render of a file at another rate: read, decoded and converted on the read-ahead
// thread while the render thread mixes, it gives the very samples of the same render from the
// file converted whole beforehand (the same converter in one call), and no source
// is ever late: offline there is no clock to miss, so the render waits rather than starve.
#include "phantom/app/offline_render.hpp"

#include <gtest/gtest.h>

#include "phantom/app/offline_session.hpp"
#include "test_signals.hpp"
#include "wav.hpp"
#include "whole_file_conversion.hpp"

namespace phantom::app {
namespace {

std::vector<float> render_main(const std::string& source, const std::string& out, int block) {
    OfflineSetup setup;
    setup.device = "studio-8x8";
    setup.rate_hz = 48000;
    setup.block_frames = block;
    setup.sources = {{"in5", source}};
    setup.sets = {{"/mix/main/in5/gain", "0"}};
    OfflineSession session(setup);
    RenderOptions opt;
    opt.frames = 3 * 48000;
    opt.block_frames = block;
    opt.records = {{"main", out}};
    const RenderSummary summary = render_offline(session.iface(), opt);
    EXPECT_TRUE(summary.warnings.empty()) << summary.warnings.front();
    EXPECT_EQ(session.iface().source_starved_frames(), 0u);
    EXPECT_GE(summary.wall_seconds, summary.setup_seconds);
    return test::read_wav(out).channels[0];
}

TEST(OfflineRender, AFileAtAnotherRateRendersAsItsWholeFileConversionWould) {
    const std::string dir = test::temp_dir("offline-render");
    // Longer than the render and several rings long, so the read-ahead refills many times.
    const auto x = test::noise(4 * 44100, 51, 0.2f);
    const std::string file44 = test::wav_file(dir, "in44k", x, 44100);
    const auto converted = test::whole_file_conversion(x, 44100, 48000);
    const std::string file48 = test::wav_file(dir, "in48k", converted, 48000);
    for (int block : {253, 1024}) {
        SCOPED_TRACE(block);
        const auto streamed = render_main(file44, dir + "streamed.wav", block);
        const auto reference = render_main(file48, dir + "reference.wav", block);
        ASSERT_EQ(streamed.size(), reference.size());
        double peak = 0;
        for (size_t i = 0; i < streamed.size(); ++i) {
            ASSERT_EQ(streamed[i], reference[i]) << i;
            peak = std::max(peak, std::abs(static_cast<double>(streamed[i])));
        }
        EXPECT_GT(peak, 0.01);  // the source is heard, not silence compared with silence
    }
}

}  // namespace
}  // namespace phantom::app
