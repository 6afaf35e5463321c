#include "engine/sim/engine.hpp"

#include "engine/core/error.hpp"
#include "engine/core/rng.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <fmt/format.h>

namespace zorgsim {
namespace {

// A group of needs that arrived in the same step at the same server, for the same need type and
// neighbourhood. Backlogs hold cohorts, not individual needs, so queues stay short at any scale.
struct cohort {
    std::uint32_t arrival_step;
    std::uint32_t neighbourhood;
    std::uint32_t count;
    std::uint32_t need;
};

struct served {
    std::uint32_t neighbourhood;
    std::uint32_t need;
    std::uint32_t contacts;
    std::uint32_t wait_weeks_sum;
};

// Event keys pack (server, need, neighbourhood) so that sorting them groups a step's new needs into
// cohorts in a fixed order whatever the thread count. Needs with no provider for their setting use
// a reserved server range that keeps the setting.
constexpr std::uint32_t unroutable_base = 0xFFFFFF00u;
constexpr std::uint64_t pack(std::uint32_t server, std::uint32_t need, std::uint32_t nb) {
    return (std::uint64_t{server} << 32) | (std::uint64_t{need} << 24) | nb;
}

// Residents of the same age band and condition mask share their weekly need rates.
constexpr std::size_t mask_classes = 1u << condition_count;
struct demand_class {
    double mean_per_step = 0;
    double exp_minus_mean = 1;
    std::vector<double> need_cumulative; // P(need <= i | one need)
};

// A lever must name a need and two settings that the pathway table serves it in; the scenario
// reader checks this with file positions, this guards every other caller of the engine.
void check_levers(const care_parameters& care, const lever_set& levers) {
    for (const auto& lever : levers.substitution) {
        if (lever.need >= care.needs.size())
            throw model_error(fmt::format("substitution lever names need #{}; only {} needs exist",
                                          lever.need, care.needs.size()));
        for (auto s : {lever.from, lever.to})
            if (!care.step(lever.need, s))
                throw model_error(
                    fmt::format("substitution lever: need '{}' has no pathway row for '{}'",
                                care.needs[lever.need].name, name_of(s)));
    }
}

class stepper {
public:
    stepper(const model& m, const variant& v, std::uint64_t seed, run_point point)
        : m_(m), v_(v), rng_(seed, point.replicate), point_(point), residents_(m.residents()),
          residents_per_nb_(m.residents_per_neighbourhood()) {
        for (auto id : residents_.id)
            next_id_ = std::max(next_id_, id + 1);
        const auto& care = m.care();
        needs_ = care.needs.size();
        nbs_ = m.neighbourhood_count();
        const auto providers = m.providers().size();
        if (m.servers().size() >= unroutable_base)
            throw model_error("too many capacity pools for the event encoding");
        check_levers(care, v.levers);
        validate_rates(care, m.time().step_years());
        classes_.resize(age_band_count * mask_classes);
        const double step_years = m.time().step_years();
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t mask = 0; mask < mask_classes; ++mask) {
                auto& c = classes_[b * mask_classes + mask];
                c.need_cumulative.resize(needs_);
                double total = 0;
                for (std::size_t n = 0; n < needs_; ++n) {
                    const auto& spec = care.needs[n];
                    const bool applies = !spec.applies_to || (mask & bit(*spec.applies_to)) != 0;
                    total += applies ? spec.rate_per_year[b] * step_years : 0.0;
                    c.need_cumulative[n] = total;
                }
                c.mean_per_step = total;
                c.exp_minus_mean = std::exp(-total);
                for (auto& x : c.need_cumulative)
                    x = total > 0 ? x / total : 1.0;
            }
        // Per-contact routing: cumulative baseline shares over the settings of each need.
        routes_.resize(needs_);
        for (std::size_t n = 0; n < needs_; ++n) {
            double total = 0;
            for (const auto& row : care.pathways[n])
                if (row.share > 0) {
                    total += row.share;
                    routes_[n].push_back({row.where, total});
                }
        }

        queues_.resize(m.servers().size());
        expired_.resize(m.servers().size());
        served_.resize(m.servers().size());
        minutes_used_server_.assign(m.servers().size(), 0.0);
        const std::size_t ns = nbs_ * setting_count;
        demand_.resize(ns);
        contacts_.resize(ns);
        escalated_.resize(ns);
        unmet_.resize(ns);
        wait_.resize(ns);
        cost_.resize(ns);
        demand_by_need_.resize(nbs_ * needs_);
        backlog_.resize(providers);
        provider_contacts_.resize(providers);
        minutes_used_.resize(providers);
        capacity_.assign(providers, 0.0);
        for (const auto& s : m.servers())
            capacity_[s.provider] += s.capacity_min_per_week;
    }

    void step(std::size_t k, recorder& rec) {
        now_ = static_cast<std::uint32_t>(k);
        for (auto* v : {&demand_, &contacts_, &escalated_, &unmet_, &wait_, &demand_by_need_,
                        &backlog_, &provider_contacts_})
            std::fill(v->begin(), v->end(), 0u);
        std::fill(cost_.begin(), cost_.end(), 0.0);
        std::fill(minutes_used_.begin(), minutes_used_.end(), 0.0);

        const double year = m_.time().step_decimal_year(k);
        moved_.clear();
        for (const auto& lever : v_.levers.substitution)
            moved_.push_back(moved_share(lever, year));

        expire();
        draw_demand();
        serve();
        account();

        rec.record(step_view{point_, k, residents_per_nb_, demand_, demand_by_need_, contacts_,
                             escalated_, unmet_, cost_, wait_, backlog_, provider_contacts_,
                             minutes_used_, capacity_});
    }

    // The population's year: deaths, migration, births, ageing and new conditions.
    void advance_year(std::uint32_t year_index, recorder& rec) {
        const auto report = zorgsim::advance_year(residents_, m_.demography(), m_.prevalence(),
                                                  rng_, year_index, next_id_);
        std::fill(residents_per_nb_.begin(), residents_per_nb_.end(), 0u);
        for (auto h : residents_.neighbourhood)
            ++residents_per_nb_[h];
        rec.record_year(year_view{point_, year_index,
                                  m_.time().start.year + static_cast<int>(year_index), &report});
    }

private:
    std::size_t cell(std::uint32_t nb, setting s) const {
        return nb * setting_count + static_cast<std::size_t>(s);
    }

    // Needs that have waited longer than their pathway allows leave the queue: on to the next
    // setting of their escalation chain, or counted as unmet.
    void expire() {
        const auto& servers = m_.servers();
        tbb::parallel_for(std::size_t{0}, servers.size(), [&](std::size_t i) {
            auto& out = expired_[i];
            out.clear();
            auto& q = queues_[i];
            const auto where = servers[i].where;
            std::erase_if(q, [&](const cohort& c) {
                const auto* row = m_.care().step(c.need, where);
                if (now_ - c.arrival_step <= row->max_wait_weeks)
                    return false;
                out.push_back(c);
                return true;
            });
        });
        for (std::size_t i = 0; i < servers.size(); ++i) {
            const auto where = servers[i].where;
            for (const auto& c : expired_[i]) {
                const auto* row = m_.care().step(c.need, where);
                if (row->escalates_to == escalate_to_unmet) {
                    unmet_[cell(c.neighbourhood, where)] += c.count;
                    continue;
                }
                escalated_[cell(c.neighbourhood, where)] += c.count;
                const auto to = static_cast<setting>(row->escalates_to);
                const auto target = m_.escalation_target(to, c.neighbourhood, servers[i].provider);
                if (target == no_server)
                    unmet_[cell(c.neighbourhood, to)] += c.count;
                else
                    queues_[target].push_back({now_, c.neighbourhood, c.count, c.need});
            }
        }
    }

    setting pick_setting(std::uint32_t resident, std::uint32_t need, std::uint32_t draw,
                         double u_contact) const {
        const auto& spec = m_.care().needs[need];
        const bool stable = spec.routing == routing_rule::per_resident;
        const double u =
            stable ? keyed_rng::uniform(rng_.words(rng_stream::management, resident, 0, need)[0])
                   : u_contact;
        const auto& r = routes_[need];
        std::size_t k = 0;
        while (k + 1 < r.size() && u >= r[k].cumulative)
            ++k;
        setting s = r[k].where;
        const auto& levers = v_.levers.substitution;
        for (std::uint32_t li = 0; li < levers.size(); ++li) {
            if (levers[li].need != need || levers[li].from != s || moved_[li] <= 0)
                continue;
            // Stable routing keeps the lever's draw per resident, so a moved patient stays moved.
            // Keyed by what the lever does (need, from, to), not by its position in the file, so
            // the same lever draws the same numbers in every variant.
            const auto what = (need << 8) | (static_cast<std::uint32_t>(levers[li].from) << 4) |
                              static_cast<std::uint32_t>(levers[li].to);
            const auto lever_draw = (stable ? 0u : (draw & 0x3Fu) << 18) | (what & 0x3FFFFu);
            const double ul = keyed_rng::uniform(
                rng_.words(rng_stream::lever, resident, stable ? 0 : now_, lever_draw)[0]);
            if (ul < moved_[li])
                s = levers[li].to;
        }
        return s;
    }

    void draw_demand() {
        const auto& res = residents_;
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, res.size(), 8192),
            [&](const tbb::blocked_range<std::size_t>& range) {
                auto& events = events_.local();
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    const auto& c = classes_[res.age_band[i] * mask_classes + res.conditions[i]];
                    const auto id = res.id[i];
                    const double u =
                        keyed_rng::uniform(rng_.words(rng_stream::demand_count, id, now_)[0]);
                    if (u <= c.exp_minus_mean)
                        continue;
                    const auto count = poisson_from_uniform(u, c.mean_per_step, c.exp_minus_mean);
                    const auto nb = res.neighbourhood[i];
                    for (std::uint32_t j = 0; j < count; ++j) {
                        const auto w = rng_.words(rng_stream::demand_detail, id, now_, j);
                        const double un = keyed_rng::uniform(w[0]);
                        std::uint32_t need = 0;
                        while (need + 1 < needs_ && un >= c.need_cumulative[need])
                            ++need;
                        const auto s = pick_setting(id, need, j, keyed_rng::uniform(w[1]));
                        const auto srv = m_.route(s, nb, res.practice[i], keyed_rng::uniform(w[2]));
                        const auto key_server =
                            srv == no_server ? unroutable_base | static_cast<std::uint32_t>(s)
                                             : srv;
                        events.push_back(pack(key_server, need, nb));
                    }
                }
            });
        all_events_.clear();
        for (auto& local : events_) {
            all_events_.insert(all_events_.end(), local.begin(), local.end());
            local.clear();
        }
        tbb::parallel_sort(all_events_.begin(), all_events_.end());

        const auto& servers = m_.servers();
        for (std::size_t i = 0; i < all_events_.size();) {
            std::size_t j = i;
            while (j < all_events_.size() && all_events_[j] == all_events_[i])
                ++j;
            const auto key = all_events_[i];
            const auto count = static_cast<std::uint32_t>(j - i);
            const auto srv = static_cast<std::uint32_t>(key >> 32);
            const auto need = static_cast<std::uint32_t>((key >> 24) & 0xFF);
            const auto nb = static_cast<std::uint32_t>(key & 0xFFFFFF);
            demand_by_need_[nb * needs_ + need] += count;
            if (srv >= unroutable_base) {
                const auto s = static_cast<setting>(srv & 0xFF);
                demand_[cell(nb, s)] += count;
                unmet_[cell(nb, s)] += count;
            } else {
                demand_[cell(nb, servers[srv].where)] += count;
                queues_[srv].push_back({now_, nb, count, need});
            }
            i = j;
        }
    }

    // Each pool serves its backlog first-come first-served within its weekly minutes; a cohort
    // that does not fit whole is served in part and blocks the queue behind it.
    void serve() {
        const auto& servers = m_.servers();
        tbb::parallel_for(std::size_t{0}, servers.size(), [&](std::size_t i) {
            auto& out = served_[i];
            out.clear();
            auto& q = queues_[i];
            const auto where = servers[i].where;
            double remaining = servers[i].capacity_min_per_week;
            while (!q.empty()) {
                auto& c = q.front();
                const double minutes = m_.care().step(c.need, where)->minutes_per_contact;
                const auto fits = static_cast<std::uint32_t>(
                    std::min<double>(c.count, std::floor(remaining / minutes + 1e-9)));
                if (fits > 0) {
                    out.push_back({c.neighbourhood, c.need, fits, fits * (now_ - c.arrival_step)});
                    remaining -= fits * minutes;
                    c.count -= fits;
                }
                if (c.count > 0)
                    break;
                q.pop_front();
            }
            minutes_used_server_[i] = servers[i].capacity_min_per_week - std::max(0.0, remaining);
        });
    }

    void account() {
        const auto& servers = m_.servers();
        for (std::size_t i = 0; i < servers.size(); ++i) {
            const auto where = servers[i].where;
            const auto provider = servers[i].provider;
            for (const auto& s : served_[i]) {
                const auto at = cell(s.neighbourhood, where);
                contacts_[at] += s.contacts;
                wait_[at] += s.wait_weeks_sum;
                cost_[at] += s.contacts * m_.care().step(s.need, where)->tariff_eur;
                provider_contacts_[provider] += s.contacts;
            }
            minutes_used_[provider] += minutes_used_server_[i];
            for (const auto& c : queues_[i])
                backlog_[provider] += c.count;
        }
    }

    struct route_share {
        setting where;
        double cumulative;
    };

    const model& m_;
    const variant& v_;
    keyed_rng rng_;
    run_point point_;
    resident_table residents_; // this run point's population, changed by demography each year
    std::vector<std::uint32_t> residents_per_nb_;
    std::uint32_t next_id_ = 0;
    std::size_t needs_ = 0;
    std::size_t nbs_ = 0;
    std::uint32_t now_ = 0;
    std::vector<demand_class> classes_;
    std::vector<std::vector<route_share>> routes_;
    std::vector<double> moved_;
    std::vector<std::deque<cohort>> queues_;
    std::vector<std::vector<cohort>> expired_;
    std::vector<std::vector<served>> served_;
    std::vector<double> minutes_used_server_;
    tbb::enumerable_thread_specific<std::vector<std::uint64_t>> events_;
    std::vector<std::uint64_t> all_events_;
    std::vector<std::uint32_t> demand_, contacts_, escalated_, unmet_, wait_, demand_by_need_;
    std::vector<double> cost_;
    std::vector<std::uint32_t> backlog_, provider_contacts_;
    std::vector<double> minutes_used_, capacity_;
};

} // namespace

void run(const model& m, const run_plan& plan, recorder& rec, const run_options& options) {
    const int threads =
        options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
    tbb::task_arena arena(threads);
    arena.execute([&] {
        rec.begin(m, plan);
        const auto steps = m.time().step_count();
        for (std::uint32_t v = 0; v < plan.variants.size(); ++v)
            for (std::uint32_t r = 0; r < plan.replicates; ++r) {
                const run_point point{v, r};
                rec.begin_point(point);
                stepper s(m, plan.variants[v], plan.seed, point);
                // Demography runs at each anniversary of the start date, and once more after the
                // last step, so every simulated year's population change is applied and recorded.
                const auto& h = m.time();
                const bool demography = m.demography().enabled;
                std::uint32_t year = 0;
                const auto anniversary = [&](std::uint32_t y) {
                    return days_from_civil(
                        date{h.start.year + static_cast<int>(y), h.start.month, h.start.day});
                };
                for (std::size_t k = 0; k < steps; ++k) {
                    if (options.cancelled && options.cancelled())
                        throw run_cancelled();
                    const auto day = days_from_civil(h.step_start(k));
                    while (demography && day >= anniversary(year + 1))
                        s.advance_year(year++, rec);
                    s.step(k, rec);
                }
                while (demography && year < static_cast<std::uint32_t>(h.years))
                    s.advance_year(year++, rec);
                rec.end_point(point);
            }
        rec.end();
    });
}

} // namespace zorgsim
