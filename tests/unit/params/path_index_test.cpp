// The tree's path lookup: every path found at its own index through the table's growth, a path
// never added not found, the first of two equal paths kept, and a copied tree finding its own.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "phantom/params/param_tree.hpp"
#include "phantom/params/path_index.hpp"
#include "phantom/params/schema_factories.hpp"

namespace phantom::params {
namespace {

TEST(PathIndex, FindsEveryPathAtItsIndexThroughGrowth) {
    std::vector<std::string> paths;
    for (int i = 0; i < 30000; ++i)
        paths.push_back("/mix/out" + std::to_string(i % 97) + "/in" + std::to_string(i) + "/gain");
    const auto path_of = [&](int i) -> const std::string& { return paths[static_cast<size_t>(i)]; };
    PathIndex index;
    for (size_t i = 0; i < paths.size(); ++i) {
        index.insert(static_cast<int>(i), paths[i], path_of);
        // Every earlier path still found after each growth of the table.
        if ((i & (i + 1)) != 0) continue;
        for (size_t j = 0; j <= i; ++j)
            ASSERT_EQ(index.find(paths[j], path_of), static_cast<int>(j)) << paths[j];
    }
    for (size_t i = 0; i < paths.size(); ++i)
        ASSERT_EQ(index.find(paths[i], path_of), static_cast<int>(i));
    EXPECT_FALSE(index.find("/mix/out1/in1/pan", path_of));
    EXPECT_FALSE(index.find("", path_of));
    EXPECT_FALSE(index.find("/mix/out0/in0/gain/", path_of));
}

TEST(PathIndex, AnEmptyIndexFindsNothing) {
    const auto path_of = [](int) -> const std::string& {
        static const std::string never;
        ADD_FAILURE() << "an empty index read a path";
        return never;
    };
    const PathIndex index;
    EXPECT_FALSE(index.find("/monitor/volume", path_of));
}

TEST(PathIndex, TheFirstOfTwoEqualPathsIsKept) {
    const std::vector<std::string> paths = {"/a", "/b", "/a"};
    const auto path_of = [&](int i) -> const std::string& { return paths[static_cast<size_t>(i)]; };
    PathIndex index;
    for (int i = 0; i < 3; ++i)
        index.insert(i, paths[static_cast<size_t>(i)], path_of);
    EXPECT_EQ(index.find("/a", path_of), 0);
    EXPECT_EQ(index.find("/b", path_of), 1);
}

TEST(PathIndex, ACopiedTreeFindsItsOwnParameters) {
    auto copy = [] {
        ParamTree tree;
        for (int i = 0; i < 100; ++i)
            tree.add(float_param("/p" + std::to_string(i), 0, 1, 0, "", "a parameter"));
        return ParamTree(tree);  // the original dies here
    }();
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(copy.find("/p" + std::to_string(i)), i);
    EXPECT_EQ(copy.schema(*copy.find("/p42")).path, "/p42");
    EXPECT_FALSE(copy.find("/p100"));
}

TEST(PathIndex, AnErasedPathIsGoneAndEveryOtherIsStillFound) {
    // Enough paths that runs of colliding slots form, then every third erased: an erase that
    // left a gap in a run would lose the paths after it.
    std::vector<std::string> paths;
    for (int i = 0; i < 3000; ++i)
        paths.push_back("/input/in" + std::to_string(i) + "/insert/1/gain");
    const auto path_of = [&](int i) -> const std::string& { return paths[static_cast<size_t>(i)]; };
    PathIndex index;
    for (int i = 0; i < 3000; ++i)
        index.insert(i, paths[static_cast<size_t>(i)], path_of);
    for (int i = 0; i < 3000; i += 3)
        index.erase(paths[static_cast<size_t>(i)], path_of);
    for (int i = 0; i < 3000; ++i) {
        if (i % 3 == 0)
            EXPECT_FALSE(index.find(paths[static_cast<size_t>(i)], path_of)) << i;
        else
            EXPECT_EQ(index.find(paths[static_cast<size_t>(i)], path_of), i);
    }
}

TEST(ParamTreeNodes, ARetiredNodeIsNotFoundAndALikeOneTakesItsIndexBack) {
    ParamTree tree;
    tree.add(float_param("/fixed", 0, 1, 0, "", "a parameter"));
    const ParamIndex gain = tree.add_node(float_param("/slot/gain", -90, 24, 0, "", "Gain"));
    tree.apply({{gain, -6.0}});
    tree.retire(gain);
    EXPECT_FALSE(tree.find("/slot/gain"));
    EXPECT_THROW(tree.apply({{gain, -3.0}}), ParamError);  // a stale index is refused
    // The same schema again: the same index, at its default.
    EXPECT_EQ(tree.add_node(float_param("/slot/gain", -90, 24, 0, "", "Gain")), gain);
    EXPECT_EQ(tree.value(gain), 0.0);
    EXPECT_EQ(tree.size(), 2u);
    // Another schema under the path: a new node; its path finds it.
    tree.retire(gain);
    const ParamIndex other = tree.add_node(float_param("/slot/gain", 0, 2, 1, "", "Gain x"));
    EXPECT_NE(other, gain);
    EXPECT_EQ(tree.find("/slot/gain"), other);
    // Dropped (a refused batch's), the retired one is found again once revived.
    tree.drop_nodes_after(2);
    EXPECT_EQ(tree.size(), 2u);
    EXPECT_FALSE(tree.find("/slot/gain"));
    tree.revive(gain);
    EXPECT_EQ(tree.find("/slot/gain"), gain);
    EXPECT_EQ(tree.value(gain), 0.0);
    // A live path cannot be made twice.
    EXPECT_THROW(tree.add_node(float_param("/slot/gain", -90, 24, 0, "", "Gain")), ParamError);
}

}  // namespace
}  // namespace phantom::params
