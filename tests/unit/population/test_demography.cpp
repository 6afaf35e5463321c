#include "engine/core/error.hpp"
#include "engine/core/rng.hpp"
#include "engine/population/demography.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

using namespace zorgsim;

namespace {
demography_parameters mid() {
    demography_parameters d;
    d.mortality_per_1000 = {{{0.15, 0.2}, {0.35, 0.7}, {3, 4.5}, {10, 15}, {32, 45}, {140, 160}}};
    d.fertility_per_1000 = {0, 48, 0, 0, 0, 0};
    d.net_migration_per_1000 = {4, 16, 2, -1, -1, 0};
    d.mortality_decline_per_year = 0.015;
    return d;
}

// The serial oracle: advance_year as it was before it ran in parallel (a serial pass, then a
// stable_sort merge of newcomers). The parallel version must give the same table and report.
demography_year advance_year_reference(resident_table& t, const demography_parameters& p,
                                       const prevalence_table& prevalence, const keyed_rng& rng,
                                       std::uint32_t year_index, std::uint32_t& next_id) {
    constexpr std::uint32_t draw_fate = 0;
    constexpr std::uint32_t draw_incidence = 1;
    constexpr std::uint32_t draw_newcomer = 3;
    demography_year report;
    report.population_start = t.size();
    const double decline = std::pow(1 - p.mortality_decline_per_year, year_index);
    const auto key_year = 1000 + year_index;

    std::vector<std::size_t> block_first;
    std::vector<std::uint32_t> block_nb;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i == 0 || t.neighbourhood[i] != t.neighbourhood[i - 1]) {
            block_first.push_back(i);
            block_nb.push_back(t.neighbourhood[i]);
        }
    block_first.push_back(t.size());
    const auto pick_in_block = [&](std::uint32_t nb, double u) {
        const auto k = static_cast<std::size_t>(
            std::lower_bound(block_nb.begin(), block_nb.end(), nb) - block_nb.begin());
        const auto first = block_first[k], size = block_first[k + 1] - first;
        return first + std::min(size - 1, static_cast<std::size_t>(u * static_cast<double>(size)));
    };

    resident_table next;
    next.resize(0);
    const auto keep = [&](const resident_table& from, std::size_t i) {
        next.id.push_back(from.id[i]);
        next.age_years.push_back(from.age_years[i]);
        next.age_band.push_back(from.age_band[i]);
        next.sex_of.push_back(from.sex_of[i]);
        next.neighbourhood.push_back(from.neighbourhood[i]);
        next.conditions.push_back(from.conditions[i]);
        next.vulnerable.push_back(from.vulnerable[i]);
        next.practice.push_back(from.practice[i]);
    };
    resident_table newcomers;
    const auto add_newcomer = [&](std::uint32_t nb, std::uint8_t age, sex s,
                                  std::uint8_t vulnerable, std::uint32_t practice) {
        const auto id = next_id++;
        newcomers.id.push_back(id);
        newcomers.age_years.push_back(age);
        newcomers.age_band.push_back(age_band_of(age));
        newcomers.sex_of.push_back(s);
        newcomers.neighbourhood.push_back(nb);
        newcomers.conditions.push_back(
            age == 0 ? condition_mask{0} : draw_conditions(prevalence, age_band_of(age), rng, id));
        newcomers.vulnerable.push_back(vulnerable);
        newcomers.practice.push_back(practice);
    };

    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto band = t.age_band[i];
        const auto s = static_cast<std::size_t>(t.sex_of[i]);
        const auto w = rng.words(rng_stream::demography, t.id[i], key_year, draw_fate);
        const double q_death =
            p.mortality_per_1000[band][s] / 1000 * p.mortality_multiplier * decline;
        const double migration = p.net_migration_per_1000[band] / 1000 * p.migration_multiplier;
        if (keyed_rng::uniform(w[0]) < q_death || t.age_years[i] >= oldest_age_years) {
            ++report.deaths;
            continue;
        }
        if (migration < 0 && keyed_rng::uniform(w[1]) < -migration) {
            ++report.emigrants;
            continue;
        }
        const auto nw = rng.words(rng_stream::demography, t.id[i], key_year, draw_newcomer);
        if (migration > 0 && keyed_rng::uniform(w[1]) < migration) {
            const auto j = pick_in_block(t.neighbourhood[i], keyed_rng::uniform(nw[0]));
            add_newcomer(t.neighbourhood[i], t.age_years[i], t.sex_of[i], t.vulnerable[j],
                         t.practice[j]);
            ++report.immigrants;
        }
        const double fertility = p.fertility_per_1000[band] / 1000 * p.fertility_multiplier;
        if (t.sex_of[i] == sex::female && keyed_rng::uniform(w[2]) < fertility) {
            const auto baby_sex =
                keyed_rng::uniform(nw[1]) < p.male_birth_share ? sex::male : sex::female;
            add_newcomer(t.neighbourhood[i], 0, baby_sex, t.vulnerable[i], t.practice[i]);
            ++report.births;
        }
        keep(t, i);
    }
    for (std::size_t i = 0; i < next.size(); ++i) {
        next.age_years[i] = static_cast<std::uint8_t>(next.age_years[i] + 1);
        next.age_band[i] = age_band_of(next.age_years[i]);
        const auto a = rng.words(rng_stream::demography, next.id[i], key_year, draw_incidence);
        const auto b = rng.words(rng_stream::demography, next.id[i], key_year, draw_incidence + 1);
        const std::array<std::uint32_t, 8> u = {a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]};
        for (std::size_t c = 0; c < condition_count; ++c) {
            const auto flag = static_cast<condition_mask>(1u << c);
            if ((next.conditions[i] & flag) == 0 &&
                keyed_rng::uniform(u[c]) < p.incidence_per_1000[c][next.age_band[i]] / 1000) {
                next.conditions[i] = static_cast<condition_mask>(next.conditions[i] | flag);
                ++report.new_cases[c];
            }
        }
    }
    std::vector<std::uint32_t> order(next.size() + newcomers.size());
    std::iota(order.begin(), order.end(), 0u);
    const auto nb_of = [&](std::uint32_t k) {
        return k < next.size() ? next.neighbourhood[k] : newcomers.neighbourhood[k - next.size()];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](auto x, auto y) { return nb_of(x) < nb_of(y); });
    resident_table merged;
    merged.resize(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const auto& from = order[k] < next.size() ? next : newcomers;
        const auto i = order[k] < next.size() ? order[k] : order[k] - next.size();
        merged.id[k] = from.id[i];
        merged.age_years[k] = from.age_years[i];
        merged.age_band[k] = from.age_band[i];
        merged.sex_of[k] = from.sex_of[i];
        merged.neighbourhood[k] = from.neighbourhood[i];
        merged.conditions[k] = from.conditions[i];
        merged.vulnerable[k] = from.vulnerable[i];
        merged.practice[k] = from.practice[i];
    }
    t = std::move(merged);
    report.population_end = t.size();
    for (std::size_t i = 0; i < t.size(); ++i)
        ++report.population_by_band_sex[t.age_band[i]][static_cast<std::size_t>(t.sex_of[i])];
    return report;
}
} // namespace

TEST_CASE("every person is accounted for in every demographic year", "[demography]") {
    auto in = testing::tiny_inputs(1000);
    auto d = mid();
    d.incidence_per_1000 = incidence_from_prevalence(in.prevalence);
    auto t = generate_residents(in.area, in.prevalence, 3);
    const keyed_rng rng(3, 0);
    std::uint32_t next_id = static_cast<std::uint32_t>(t.size());
    std::set<std::uint32_t> ever(t.id.begin(), t.id.end());
    for (std::uint32_t y = 0; y < 10; ++y) {
        const auto before = t;
        const auto r = advance_year(t, d, in.prevalence, rng, y, next_id);
        INFO("year " << y);
        REQUIRE(r.population_start == before.size());
        REQUIRE(r.population_end == t.size());
        REQUIRE(r.population_end ==
                r.population_start - r.deaths - r.emigrants + r.immigrants + r.births);
        std::uint64_t by_band = 0;
        for (const auto& band : r.population_by_band_sex)
            by_band += band[0] + band[1];
        REQUIRE(by_band == t.size());
        CHECK(r.deaths > 0);
        CHECK(r.births > 0);
        CHECK(r.immigrants > 0);
        for (std::size_t i = 1; i < t.size(); ++i)
            REQUIRE(t.neighbourhood[i - 1] <= t.neighbourhood[i]); // still sorted
        std::set<std::uint32_t> ids(t.id.begin(), t.id.end());
        REQUIRE(ids.size() == t.size()); // unique
        for (auto id : t.id)
            if (!ever.count(id))
                REQUIRE(id >= static_cast<std::uint32_t>(before.size())); // new ids are new
        ever.insert(t.id.begin(), t.id.end());
        for (std::size_t i = 0; i < t.size(); ++i)
            REQUIRE(age_band_of(t.age_years[i]) == t.age_band[i]);
    }
}

TEST_CASE("survivors age one year; deaths follow the mortality rates", "[demography]") {
    auto in = testing::tiny_inputs(3000);
    auto d = mid();
    d.fertility_per_1000.fill(0);
    d.net_migration_per_1000.fill(0);
    d.mortality_decline_per_year = 0;
    auto t = generate_residents(in.area, in.prevalence, 5);
    std::map<std::uint32_t, std::uint8_t> age;
    double expected_deaths = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        age[t.id[i]] = t.age_years[i];
        expected_deaths +=
            d.mortality_per_1000[t.age_band[i]][static_cast<std::size_t>(t.sex_of[i])] / 1000;
    }
    std::uint32_t next_id = static_cast<std::uint32_t>(t.size());
    const auto r = advance_year(t, d, in.prevalence, keyed_rng(5, 0), 0, next_id);
    for (std::size_t i = 0; i < t.size(); ++i)
        REQUIRE(t.age_years[i] == age[t.id[i]] + 1);
    CHECK(static_cast<double>(r.deaths) ==
          Approx(expected_deaths).margin(4 * std::sqrt(expected_deaths)));
    CHECK(r.births == 0);
    CHECK(r.immigrants + r.emigrants == 0);
}

TEST_CASE("incidence keeps prevalence rising with age as the table does", "[demography]") {
    const auto in = testing::tiny_inputs();
    const auto inc = incidence_from_prevalence(in.prevalence);
    const auto& p = in.prevalence.share[static_cast<std::size_t>(condition::diabetes)];
    // 0-14 -> 15-44: prevalence rises 0.05 over 22.5 years of age among the 98% without it.
    CHECK(inc[static_cast<std::size_t>(condition::diabetes)][0] ==
          Approx(0.05 / 22.5 / (1 - p[0]) * 1000));
    for (const auto& c : inc)
        for (double x : c)
            CHECK(x >= 0);
    for (double x : inc[static_cast<std::size_t>(condition::depression)])
        CHECK(x == 0);
}

TEST_CASE("a year's demography is the same for the same seed and differs by replicate",
          "[demography]") {
    const auto in = testing::tiny_inputs(500);
    const auto d = mid();
    auto a = generate_residents(in.area, in.prevalence, 1), b = a, c = a;
    std::uint32_t na = static_cast<std::uint32_t>(a.size()), nb = na, nc = na;
    const auto ra = advance_year(a, d, in.prevalence, keyed_rng(1, 0), 0, na);
    const auto rb = advance_year(b, d, in.prevalence, keyed_rng(1, 0), 0, nb);
    const auto rc = advance_year(c, d, in.prevalence, keyed_rng(1, 1), 0, nc);
    CHECK(ra == rb);
    CHECK(a.id == b.id);
    CHECK(a.conditions == b.conditions);
    CHECK_FALSE(ra == rc);
}

namespace {
// Seven neighbourhoods of unequal size (one empty, two of a few residents) over several chunks of
// residents, with several conditions and practices, so that every column and every branch of a
// demographic year is exercised.
resident_table varied_residents(const prevalence_table& prevalence) {
    region r;
    const std::array<std::uint32_t, 7> per_cell = {300, 12, 0, 450, 2, 1, 250};
    for (std::size_t h = 0; h < per_cell.size(); ++h) {
        r.neighbourhoods.code.push_back("WK" + std::to_string(h));
        r.neighbourhoods.name.push_back("N" + std::to_string(h));
        r.neighbourhoods.municipality.push_back(0);
        r.neighbourhoods.wsv.push_back(0);
        r.neighbourhoods.lon_deg.push_back(5);
        r.neighbourhoods.lat_deg.push_back(52);
        r.neighbourhoods.vulnerable_share.push_back(0.05 + 0.1 * static_cast<double>(h));
        persons_by_age_sex cell{};
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t s = 0; s < sex_count; ++s)
                spread_band(b, s, per_cell[h], cell);
        r.neighbourhoods.persons.push_back(cell);
    }
    auto t = generate_residents(r, prevalence, 11);
    for (std::size_t i = 0; i < t.size(); ++i) // some without a practice
        t.practice[i] = i % 13 == 0 ? no_practice : static_cast<std::uint32_t>(i * 7 % 5);
    return t;
}

prevalence_table varied_prevalence() {
    prevalence_table p;
    for (std::size_t c = 0; c < condition_count; ++c) {
        for (std::size_t b = 0; b < age_band_count; ++b)
            p.share[c][b] = 0.01 * static_cast<double>(c + 1) + 0.04 * static_cast<double>(b);
        p.cluster_loading[c] = 0.3 + 0.05 * static_cast<double>(c);
    }
    return p;
}

void require_same(const resident_table& a, const resident_table& b) {
    REQUIRE(a.size() == b.size());
    REQUIRE(a.id == b.id);
    REQUIRE(a.age_years == b.age_years);
    REQUIRE(a.age_band == b.age_band);
    REQUIRE(a.sex_of == b.sex_of);
    REQUIRE(a.neighbourhood == b.neighbourhood);
    REQUIRE(a.conditions == b.conditions);
    REQUIRE(a.vulnerable == b.vulnerable);
    REQUIRE(a.practice == b.practice);
}
} // namespace

TEST_CASE("advance_year equals its serial reference at 1 and 2 threads", "[demography]") {
    const auto prevalence = varied_prevalence();
    auto d = mid();
    d.incidence_per_1000 = incidence_from_prevalence(prevalence);
    // Some conditions cannot start in some bands, so some of the incidence draws can be skipped.
    auto& inc = d.incidence_per_1000;
    inc[static_cast<std::size_t>(condition::depression)] = {0, 20, 20, 20, 0, 0};
    inc[static_cast<std::size_t>(condition::dementia)][0] = 0;
    inc[static_cast<std::size_t>(condition::dementia)][1] = 0;
    inc[static_cast<std::size_t>(condition::frailty)] = {0, 0, 0, 5, 10, 30};
    for (std::size_t c = 0; c < 4; ++c)
        inc[c][0] = 0;
    d.fertility_per_1000 = {0, 70, 5, 0, 0, 0};
    d.net_migration_per_1000 = {40, 60, -30, 25, -50, 10}; // both directions
    d.mortality_multiplier = 1.5;
    d.migration_multiplier = 1.2;
    SECTION("mid rates") {}
    SECTION("the old live to the oldest age; only emigration") {
        d.mortality_per_1000[5] = {1, 1};
        d.net_migration_per_1000 = {-10, -20, -30, -5, -5, -5};
    }
    SECTION("only immigration, high fertility") {
        d.net_migration_per_1000 = {80, 90, 30, 20, 10, 5};
        d.fertility_multiplier = 3;
    }
    const auto start = varied_residents(prevalence);
    REQUIRE(start.size() > 3000);
    const keyed_rng rng(17, 2);
    auto expected = start;
    std::uint32_t expected_next = static_cast<std::uint32_t>(start.size());
    std::vector<resident_table> tables;
    std::vector<demography_year> reports;
    std::vector<std::uint32_t> next_ids;
    demography_year total;
    for (std::uint32_t y = 0; y < 12; ++y) {
        reports.push_back(advance_year_reference(expected, d, prevalence, rng, y, expected_next));
        tables.push_back(expected);
        next_ids.push_back(expected_next);
        total.deaths += reports.back().deaths;
        total.emigrants += reports.back().emigrants;
        total.immigrants += reports.back().immigrants;
        total.births += reports.back().births;
    }
    const auto& m = d.net_migration_per_1000;
    CHECK(total.deaths > 0);
    CHECK(total.births > 0);
    CHECK((total.emigrants > 0) == std::any_of(m.begin(), m.end(), [](double x) { return x < 0; }));
    CHECK((total.immigrants > 0) ==
          std::any_of(m.begin(), m.end(), [](double x) { return x > 0; }));

    // With a spare table kept from year to year (as the engine does), which shrinks, grows past
    // its headroom or stays, as in the sections above, and without one.
    for (const bool with_spare : {false, true})
        for (const int threads : {1, 2}) {
            INFO(threads << " threads" << (with_spare ? ", spare table" : ""));
            tbb::task_arena arena(threads);
            arena.execute([&] {
                auto t = start;
                resident_table spare;
                std::uint32_t next_id = static_cast<std::uint32_t>(start.size());
                for (std::uint32_t y = 0; y < reports.size(); ++y) {
                    INFO("year " << y);
                    const auto r = advance_year(t, d, prevalence, rng, y, next_id,
                                                with_spare ? &spare : nullptr);
                    REQUIRE(r == reports[y]);
                    REQUIRE(next_id == next_ids[y]);
                    require_same(t, tables[y]);
                }
            });
        }
}

TEST_CASE("advance_year of an empty table", "[demography]") {
    resident_table t;
    std::uint32_t next_id = 5;
    const auto r = advance_year(t, mid(), prevalence_table{}, keyed_rng(1, 0), 0, next_id);
    CHECK(r == demography_year{});
    CHECK(t.size() == 0);
    CHECK(next_id == 5);
}

TEST_CASE("advance_year refuses residents out of neighbourhood order", "[demography]") {
    const auto in = testing::tiny_inputs(50);
    auto t = generate_residents(in.area, in.prevalence, 1);
    std::swap(t.neighbourhood.front(), t.neighbourhood.back());
    std::uint32_t next_id = static_cast<std::uint32_t>(t.size());
    REQUIRE_THROWS_AS(advance_year(t, mid(), in.prevalence, keyed_rng(1, 0), 0, next_id),
                      model_error);
}
