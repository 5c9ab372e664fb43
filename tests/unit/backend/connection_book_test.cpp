// The rules by which Phantom keeps its JACK connections (backend/connection_book.hpp), on a
// graph that is only a set of names: what a read of the graph adds, keeps waiting, or forgets.
#include "phantom/backend/connection_book.hpp"

#include <gtest/gtest.h>

#include <set>

namespace phantom::backend {
namespace {

const PortPair kSlave{"liveroom:from_slave_1", "phantom:hw_in_adat1"};
const PortPair kSystem{"system:capture_1", "phantom:hw_in_in1"};

struct Graph {
    std::set<std::string> ports{"phantom:hw_in_adat1", "phantom:hw_in_in1", "system:capture_1",
                                "liveroom:from_slave_1"};
    std::set<PortPair> connections;
    std::function<bool(const std::string&)> exists() const {
        return [this](const std::string& p) { return ports.count(p) > 0; };
    }
};

std::string state_of(const ConnectionBook& book, const PortPair& pair) {
    for (const auto& e : book.entries())
        if (e.from == pair.first && e.to == pair.second) return e.state;
    return "absent";
}

TEST(ConnectionBook, AConnectionMadeByAnyoneIsKept) {
    ConnectionBook book;
    Graph g;
    g.connections = {kSystem};
    const auto before = book.revision();
    EXPECT_TRUE(book.reconcile(g.connections, g.exists(), 0).empty());
    EXPECT_EQ(state_of(book, kSystem), "connected");
    EXPECT_GT(book.revision(), before);  // the saver saves it
}

TEST(ConnectionBook, ALoadedListWaitsAndIsMadeForThePortsThatExist) {
    ConnectionBook book;
    Graph g;
    g.ports.erase("liveroom:from_slave_1");  // the slave has not joined yet
    book.replace({kSystem, kSlave});
    const auto to_make = book.reconcile(g.connections, g.exists(), 0);
    ASSERT_EQ(to_make.size(), 1u);
    EXPECT_EQ(to_make[0], kSystem);
    EXPECT_EQ(state_of(book, kSlave), "waiting");
    // The slave joins: its connection is due now.
    g.ports.insert("liveroom:from_slave_1");
    g.connections = {kSystem};
    const auto later = book.reconcile(g.connections, g.exists(), 50);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0], kSlave);
    g.connections.insert(kSlave);
    book.reconcile(g.connections, g.exists(), 100);
    EXPECT_EQ(state_of(book, kSlave), "connected");
}

TEST(ConnectionBook, AConnectionLostWithItsPortWaitsForThePortAndIsNeverForgotten) {
    ConnectionBook book;
    Graph g;
    g.connections = {kSlave};
    book.reconcile(g.connections, g.exists(), 0);
    // The slave leaves: its port and its connection go.
    g.ports.erase("liveroom:from_slave_1");
    g.connections.clear();
    for (long long t = 0; t < 10 * ConnectionBook::kSettleMs; t += 50)
        EXPECT_TRUE(book.reconcile(g.connections, g.exists(), t).empty());
    EXPECT_EQ(state_of(book, kSlave), "waiting");
    g.ports.insert("liveroom:from_slave_1");
    EXPECT_EQ(book.reconcile(g.connections, g.exists(), 5000).size(), 1u);
}

TEST(ConnectionBook, AConnectionUndoneBySomeoneIsForgottenOnceASecondReadAgrees) {
    ConnectionBook book;
    Graph g;
    g.connections = {kSystem};
    book.reconcile(g.connections, g.exists(), 0);
    g.connections.clear();  // jack_disconnect by someone; both ports still there
    book.reconcile(g.connections, g.exists(), 1000);
    EXPECT_TRUE(book.settling());
    EXPECT_EQ(state_of(book, kSystem), "connected");  // not yet: perhaps a port on its way out
    book.reconcile(g.connections, g.exists(), 1000 + ConnectionBook::kSettleMs - 1);
    EXPECT_EQ(state_of(book, kSystem), "connected");
    book.reconcile(g.connections, g.exists(), 1000 + ConnectionBook::kSettleMs);
    EXPECT_EQ(state_of(book, kSystem), "absent");
    EXPECT_FALSE(book.settling());
}

TEST(ConnectionBook, APortOnItsWayOutIsNotTakenForADisconnection) {
    ConnectionBook book;
    Graph g;
    g.connections = {kSlave};
    book.reconcile(g.connections, g.exists(), 0);
    // JACK removes the connections of a departing port first, then the port: a read between.
    g.connections.clear();
    book.reconcile(g.connections, g.exists(), 10);
    g.ports.erase("liveroom:from_slave_1");
    book.reconcile(g.connections, g.exists(), 20);
    EXPECT_EQ(state_of(book, kSlave), "waiting");
    book.reconcile(g.connections, g.exists(), 10'000);
    EXPECT_EQ(state_of(book, kSlave), "waiting");
}

TEST(ConnectionBook, AfterTheServerIsBackEveryConnectionIsDueAgain) {
    ConnectionBook book;
    Graph g;
    g.connections = {kSystem, kSlave};
    book.reconcile(g.connections, g.exists(), 0);
    book.all_waiting();
    g.connections.clear();
    const auto to_make = book.reconcile(g.connections, g.exists(), 10);
    EXPECT_EQ(std::set<PortPair>(to_make.begin(), to_make.end()),
              (std::set<PortPair>{kSystem, kSlave}));
}

TEST(ConnectionBook, ARefusedConnectionIsNotRetriedUntilAskedAgain) {
    ConnectionBook book;
    Graph g;
    book.add(kSystem);
    EXPECT_EQ(book.reconcile(g.connections, g.exists(), 0).size(), 1u);
    book.set_refused(kSystem);
    EXPECT_TRUE(book.reconcile(g.connections, g.exists(), 10).empty());
    EXPECT_EQ(state_of(book, kSystem), "refused");
    EXPECT_FALSE(book.add(kSystem));  // already kept; asked again: tried again
    EXPECT_EQ(book.reconcile(g.connections, g.exists(), 20).size(), 1u);
}

TEST(ConnectionBook, ReplaceDropsDuplicatesAndRemoveForgets) {
    ConnectionBook book;
    book.replace({kSystem, kSystem, kSlave});
    EXPECT_EQ(book.pairs().size(), 2u);
    const auto r = book.revision();
    EXPECT_TRUE(book.remove(kSlave));
    EXPECT_FALSE(book.remove(kSlave));
    EXPECT_GT(book.revision(), r);
    EXPECT_EQ(book.pairs(), (std::vector<PortPair>{kSystem}));
}

TEST(ConnectionBook, OneJustMadeIsConnectedAtOnceAndAReadThatMissesItDoesNotForgetIt) {
    ConnectionBook book;
    Graph g;
    book.add(kSystem, true);
    EXPECT_EQ(state_of(book, kSystem), "connected");
    // A read taken before the connection shows: settling, not forgotten at once.
    book.reconcile(g.connections, g.exists(), 0);
    EXPECT_EQ(state_of(book, kSystem), "connected");
    g.connections = {kSystem};
    book.reconcile(g.connections, g.exists(), 50);
    EXPECT_FALSE(book.settling());
    EXPECT_EQ(state_of(book, kSystem), "connected");
}

}  // namespace
}  // namespace phantom::backend
