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

}  // namespace
}  // namespace phantom::params
