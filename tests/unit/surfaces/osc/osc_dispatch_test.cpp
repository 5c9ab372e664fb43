// The OSC address space on a real controller: settings typed by the parameter (a tablet's
// 0/1 sets a switch, an index picks a choice), queries, the normalised form through the fader
// law, a datagram applied all-or-nothing, refusals answered with /phantom/error, snapshots.
// Expected values come from the tree through the HTTP-independent controller and from the
// fader law's own formula (Ardour's gain_to_slider_position), not from the code under test.
#include "phantom/surfaces/osc/osc_dispatch.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "phantom/device/device_catalog.hpp"

namespace phantom::osc {
namespace {

struct Fixture {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    OscDispatch dispatch{controller};

    double value(const std::string& path) const {
        return iface.params().value(iface.params().require(path));
    }
    Outcome send(std::vector<OscMessage> messages) { return dispatch.handle(messages); }
};

OscArg f(double v) {
    return {'f', v, {}};
}
OscArg i(int v) {
    return {'i', static_cast<double>(v), {}};
}
OscArg s(const std::string& v) {
    return {'s', 0.0, v};
}
OscArg t() {
    return {'T', 1.0, {}};
}

OscMessage msg(const std::string& address, std::vector<OscArg> args = {}) {
    return {address, std::move(args), false};
}

// A reply decoded back (its bytes are checked against the layout in osc_packet_test).
OscMessage reply(const Datagram& d) {
    const auto decoded = decode(d.data(), d.size());
    EXPECT_TRUE(decoded.ok()) << decoded.error;
    return decoded.messages.empty() ? OscMessage{} : decoded.messages[0];
}

TEST(OscDispatch, SetsAParameterInItsOwnUnit) {
    Fixture fx;
    const auto out = fx.send({msg("/phantom/mix/hp1/in1/gain", {f(-6)})});
    EXPECT_TRUE(out.replies.empty());
    EXPECT_EQ(out.refused, 0u);
    EXPECT_EQ(fx.value("/mix/hp1/in1/gain"), -6.0);
}

TEST(OscDispatch, ReachesTheControlsOfAPluginLoadedAfterItStarted) {
    // An outside test: the addresses were those of the start, so a plugin loaded later was
    // "unknown address".
    Fixture fx;
    auto out = fx.send(
        {msg("/phantom/input/in5/insert/1/plugin", {s("http://lv2plug.in/plugins/eg-amp")})});
    EXPECT_EQ(out.refused, 0u);
    out = fx.send({msg("/phantom/input/in5/insert/1/gain", {f(-6)})});
    EXPECT_EQ(out.refused, 0u);
    EXPECT_EQ(fx.value("/input/in5/insert/1/gain"), -6.0);
    // Unloaded, its address is unknown again.
    fx.send({msg("/phantom/input/in5/insert/1/plugin", {s("")})});
    out = fx.send({msg("/phantom/input/in5/insert/1/gain", {f(-3)})});
    EXPECT_EQ(out.refused, 1u);
}

TEST(OscDispatch, TakesASwitchAsTFOrZeroOne) {
    Fixture fx;
    fx.send({msg("/phantom/monitor/dim", {t()})});
    EXPECT_EQ(fx.value("/monitor/dim"), 1.0);
    fx.send({msg("/phantom/monitor/dim", {i(0)})});
    EXPECT_EQ(fx.value("/monitor/dim"), 0.0);
    fx.send({msg("/phantom/monitor/dim", {f(1.0)})});
    EXPECT_EQ(fx.value("/monitor/dim"), 1.0);
    const auto out = fx.send({msg("/phantom/monitor/dim", {f(0.5)})});
    ASSERT_EQ(out.refused, 1u);
    EXPECT_EQ(reply(out.replies.at(0)).address, "/phantom/error");
    EXPECT_EQ(fx.value("/monitor/dim"), 1.0);
}

TEST(OscDispatch, TakesAChoiceByNameOrIndex) {
    Fixture fx;
    fx.send({msg("/phantom/output/hp1/mirror", {s("main")})});
    EXPECT_EQ(fx.value("/output/hp1/mirror"), 1.0);  // none, main, …
    fx.send({msg("/phantom/output/hp1/mirror", {i(0)})});
    EXPECT_EQ(fx.value("/output/hp1/mirror"), 0.0);
    EXPECT_EQ(fx.send({msg("/phantom/output/hp1/mirror", {i(99)})}).refused, 1u);
}

TEST(OscDispatch, TakesANameAsAStringOnlyAndAnswersWithIt) {
    Fixture fx;
    fx.send({msg("/phantom/name/in1", {s("Kick")})});
    const auto& tree = fx.iface.params();
    EXPECT_EQ(tree.text(tree.require("/name/in1")), "Kick");
    // A number, a switch or the normalised form is no name: refused, the name unchanged.
    for (const auto& m : {msg("/phantom/name/in1", {f(3)}), msg("/phantom/name/in1", {t()}),
                          msg("/phantom/norm/name/in1", {f(0.5)})}) {
        const auto out = fx.send({m});
        ASSERT_EQ(out.refused, 1u) << m.address;
        EXPECT_EQ(reply(out.replies.at(0)).address, "/phantom/error");
    }
    // A control character is refused by the tree's rule, as over HTTP.
    EXPECT_EQ(fx.send({msg("/phantom/name/in1", {s("Ki\nck")})}).refused, 1u);
    EXPECT_EQ(tree.text(tree.require("/name/in1")), "Kick");
    const auto out = fx.send({msg("/phantom/name/in1")});
    ASSERT_EQ(out.replies.size(), 1u);
    const auto answer = reply(out.replies[0]);
    EXPECT_EQ(answer.args.at(0).tag, 's');
    EXPECT_EQ(answer.args.at(0).text, "Kick");
}

TEST(OscDispatch, AMessageWithoutArgumentsIsAQuery) {
    Fixture fx;
    fx.send({msg("/phantom/mix/hp1/in1/gain", {f(-6)}),
             msg("/phantom/output/hp1/mirror", {s("main")})});
    const auto out = fx.send({msg("/phantom/mix/hp1/in1/gain"), msg("/phantom/output/hp1/mirror"),
                              msg("/phantom/monitor/mute")});
    ASSERT_EQ(out.replies.size(), 3u);
    const auto gain = reply(out.replies[0]);
    EXPECT_EQ(gain.address, "/phantom/mix/hp1/in1/gain");
    EXPECT_EQ(gain.args.at(0).tag, 'f');
    EXPECT_EQ(gain.args.at(0).number, -6.0);
    EXPECT_EQ(reply(out.replies[1]).args.at(0).text, "main");
    EXPECT_EQ(reply(out.replies[2]).args.at(0).tag, 'F');
}

// Ardour's fader law (gain_to_slider_position_with_max): position = ((6 log2(g) + 192) / 198)^8
// with g = gain × 2 / max_gain, so that the top of the fader is where g = 2 (+6 dB).
double fader_position(double db, double top_db) {
    const double gain = std::pow(10.0, (db - top_db) / 20.0) * 2.0;
    return std::pow((6.0 * std::log2(gain) + 192.0) / 198.0, 8.0);
}

TEST(OscDispatch, NormalisedFadersFollowTheFaderLaw) {
    Fixture fx;
    fx.send({msg("/phantom/norm/monitor/volume", {f(fader_position(-20.0, 6.0))})});
    EXPECT_NEAR(fx.value("/monitor/volume"), -20.0, 1e-3);
    const auto q = reply(fx.send({msg("/phantom/norm/monitor/volume")}).replies.at(0));
    EXPECT_EQ(q.address, "/phantom/norm/monitor/volume");
    EXPECT_NEAR(q.args.at(0).number, fader_position(-20.0, 6.0), 1e-6);
    fx.send({msg("/phantom/norm/monitor/volume", {f(0.0)})});
    EXPECT_TRUE(std::isinf(fx.value("/monitor/volume")));
    EXPECT_EQ(fx.send({msg("/phantom/norm/monitor/volume", {f(1.5)})}).refused, 1u);
    EXPECT_EQ(fx.send({msg("/phantom/norm/monitor/volume", {s("x")})}).refused, 1u);
}

TEST(OscDispatch, ADatagramAppliesAllOrNothing) {
    Fixture fx;
    auto a = msg("/phantom/monitor/mono", {t()});
    auto b = msg("/phantom/mix/hp1/in1/gain", {f(99)});  // out of range
    a.in_bundle = b.in_bundle = true;
    const auto out = fx.send({a, b});
    EXPECT_EQ(fx.value("/monitor/mono"), 0.0);
    ASSERT_EQ(out.replies.size(), 1u);
    const auto e = reply(out.replies[0]);
    EXPECT_EQ(e.address, "/phantom/error");
    ASSERT_EQ(e.args.size(), 2u);
    EXPECT_EQ(e.args[0].text, "/phantom/mix/hp1/in1/gain");
    EXPECT_NE(e.args[1].text.find("out of range"), std::string::npos) << e.args[1].text;

    auto unknown = msg("/phantom/monitor/nothing", {t()});
    unknown.in_bundle = true;
    fx.send({a, unknown});
    EXPECT_EQ(fx.value("/monitor/mono"), 0.0) << "an unknown address in the bundle stops it all";

    fx.send({a, msg("/phantom/mix/hp1/in1/gain", {f(-3)})});
    EXPECT_EQ(fx.value("/monitor/mono"), 1.0);
    EXPECT_EQ(fx.value("/mix/hp1/in1/gain"), -3.0);
}

TEST(OscDispatch, RefusalsSayWhatWasWrong) {
    Fixture fx;
    const auto wrong_type = reply(fx.send({msg("/phantom/monitor/volume", {t()})}).replies.at(0));
    EXPECT_EQ(wrong_type.args.at(0).text, "/phantom/monitor/volume");
    EXPECT_NE(wrong_type.args.at(1).text.find("wrong type"), std::string::npos);
    const auto two = reply(fx.send({msg("/phantom/monitor/volume", {f(1), f(2)})}).replies.at(0));
    EXPECT_NE(two.args.at(1).text.find("one value"), std::string::npos);
    const auto blob =
        reply(fx.send({msg("/phantom/monitor/volume", {{'b', 0, "x"}})}).replies.at(0));
    EXPECT_NE(blob.args.at(1).text.find("blob"), std::string::npos);
    const auto unknown = reply(fx.send({msg("/elsewhere", {f(1)})}).replies.at(0));
    EXPECT_EQ(unknown.args.at(0).text, "/elsewhere");
    EXPECT_NE(unknown.args.at(1).text.find("unknown address"), std::string::npos);
}

TEST(OscDispatch, SnapshotsAreRecalledByNameOrNumber) {
    Fixture fx;
    fx.send({msg("/phantom/monitor/volume", {f(-30)})});
    fx.send({msg("/phantom/snapshot/save", {s("quiet")})});
    fx.send({msg("/phantom/monitor/mono", {t()})});
    fx.send({msg("/phantom/snapshot/save", {s("mono")})});
    const auto list_reply = fx.send({msg("/phantom/snapshot/list")}).replies;
    ASSERT_EQ(list_reply.size(), 1u);  // one bundle
    const auto list = decode(list_reply[0].data(), list_reply[0].size()).messages;
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].address, "/phantom/snapshot/count");
    EXPECT_EQ(list[0].args.at(0).number, 2.0);
    EXPECT_EQ(list[1].address, "/phantom/snapshot/name");
    EXPECT_EQ(list[1].args.at(0).number, 1.0);
    EXPECT_EQ(list[1].args.at(1).text, "mono");  // the controller's order: by name
    EXPECT_EQ(list[2].args.at(1).text, "quiet");
    fx.send({msg("/phantom/snapshot/recall", {s("quiet")})});
    EXPECT_EQ(fx.value("/monitor/mono"), 0.0);
    fx.send({msg("/phantom/snapshot/recall", {i(1)})});
    EXPECT_EQ(fx.value("/monitor/mono"), 1.0);
    EXPECT_EQ(fx.send({msg("/phantom/snapshot/recall", {i(3)})}).refused, 1u);
    EXPECT_EQ(fx.send({msg("/phantom/snapshot/recall", {s("nope")})}).refused, 1u);
}

// Found by the fuzz target: 65 saved snapshots made a list reply with more arguments than
// an OSC receiver (ours included) takes in one message.
TEST(OscDispatch, AListOfManySnapshotsIsSentAsValidOsc) {
    Fixture fx;
    for (int k = 0; k < 200; ++k)
        fx.send(
            {msg("/phantom/snapshot/save", {s("snapshot-with-a-long-name-" + std::to_string(k))})});
    std::size_t names = 0;
    for (const auto& d : fx.send({msg("/phantom/snapshot/list")}).replies) {
        EXPECT_LE(d.size(), kFeedbackDatagramBytes);
        const auto decoded = decode(d.data(), d.size());
        ASSERT_TRUE(decoded.ok()) << decoded.error;
        for (const auto& m : decoded.messages)
            names += m.address == "/phantom/snapshot/name";
    }
    EXPECT_EQ(names, 200u);
}

TEST(OscDispatch, SubscriptionIsAskedForAndNormIsAnOption) {
    Fixture fx;
    auto out = fx.send({msg("/phantom/subscribe")});
    EXPECT_EQ(out.subscription, Outcome::Subscription::Subscribe);
    EXPECT_FALSE(out.norm);
    out = fx.send({msg("/phantom/subscribe", {s("norm")})});
    EXPECT_TRUE(out.norm);
    EXPECT_EQ(fx.send({msg("/phantom/unsubscribe")}).subscription,
              Outcome::Subscription::Unsubscribe);
    EXPECT_EQ(fx.send({msg("/phantom/subscribe", {s("loud")})}).refused, 1u);
}

TEST(OscDispatch, FeedbackSaysEveryChangeAndFitsTheMtu) {
    Fixture fx;
    const auto state = fx.dispatch.whole_state(true);
    std::size_t messages = 0;
    bool saw_volume = false, saw_norm = false;
    for (const auto& d : state) {
        EXPECT_LE(d.size(), kFeedbackDatagramBytes);
        const auto decoded = decode(d.data(), d.size());
        ASSERT_TRUE(decoded.ok()) << decoded.error;
        messages += decoded.messages.size();
        for (const auto& m : decoded.messages) {
            saw_volume |= m.address == "/phantom/monitor/volume";
            saw_norm |= m.address == "/phantom/norm/monitor/volume";
        }
    }
    EXPECT_TRUE(saw_volume && saw_norm);
    EXPECT_GE(messages, fx.controller.params("").size());  // every parameter, and its norm form
    const auto meters = fx.dispatch.meters(fx.controller.meters());
    const auto m = decode(meters.at(0).data(), meters.at(0).size());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.messages.at(0).address, "/phantom/meter/in1");
    EXPECT_EQ(m.messages.at(0).args.size(), 2u);
}

}  // namespace
}  // namespace phantom::osc
