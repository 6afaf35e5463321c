#include "engine/sim/unit_assignment.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

using namespace zorgsim;

TEST_CASE("units are dealt back and forth over the ranks, in plan order", "[mpi]") {
    const std::vector<std::uint8_t> none(7, 0);
    CHECK(assign_units(none, 3) == std::vector<int>{0, 1, 2, 2, 1, 0, 0});
    CHECK(assign_units(none, 1) == std::vector<int>(7, 0));
    CHECK(units_per_rank(assign_units(none, 3), 3) == std::vector<std::size_t>{3, 2, 2});
}

TEST_CASE("complete units go to no rank and the others are dealt as if alone", "[mpi]") {
    const std::vector<std::uint8_t> some = {1, 0, 0, 1, 0, 1};
    CHECK(assign_units(some, 2) == std::vector<int>{-1, 0, 1, -1, 1, -1});
    CHECK(units_per_rank(assign_units(some, 2), 2) == std::vector<std::size_t>{1, 2});
}

TEST_CASE("a cost growing along a sweep evens out over the ranks", "[mpi]") {
    // 20 variants of one replicate whose cost grows 1..20 (a sweep axis): dealt back and forth,
    // two ranks get 105 each; dealt round robin they would get 100 and 110.
    const std::vector<std::uint8_t> none(20, 0);
    const auto owner = assign_units(none, 2);
    std::vector<int> cost(2, 0);
    for (std::size_t u = 0; u < owner.size(); ++u)
        cost[static_cast<std::size_t>(owner[u])] += static_cast<int>(u) + 1;
    CHECK(cost == std::vector<int>{105, 105});
    // Every rank gets each variant's replicates in equal share (+-1): 3 variants x 4 replicates.
    const auto grid = assign_units(std::vector<std::uint8_t>(12, 0), 2);
    for (std::size_t v = 0; v < 3; ++v)
        CHECK(std::count(grid.begin() + static_cast<long>(v * 4),
                         grid.begin() + static_cast<long>(v * 4 + 4), 0) == 2);
}

TEST_CASE("more ranks than units leaves the last ranks without work", "[mpi]") {
    const std::vector<std::uint8_t> two(2, 0);
    CHECK(units_per_rank(assign_units(two, 4), 4) == std::vector<std::size_t>{1, 1, 0, 0});
    CHECK_THROWS(assign_units(two, 0));
}
