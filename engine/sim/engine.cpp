#include "engine/sim/engine.hpp"
#include "engine/sim/unit_buffer.hpp"

#include "engine/care/propensity.hpp"
#include "engine/core/error.hpp"
#include "engine/core/key_counter.hpp"
#include "engine/core/rng.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <deque>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace zorgsim {
namespace {

// A group of needs that arrived in the same step at the same server, for the same need type and
// neighbourhood. Backlogs hold cohorts, not individual needs, so queues stay short at any scale.
struct cohort {
    std::uint32_t arrival_step;
    std::uint32_t neighbourhood;
    std::uint32_t count;
    std::uint16_t need;
    std::uint8_t age_band;
};

struct served {
    std::uint32_t neighbourhood;
    std::uint32_t need;
    std::uint32_t contacts;
    std::uint32_t wait_weeks_sum;
    std::uint8_t age_band;
};

// Event keys pack (server, need, age band, neighbourhood) so that sorting a server's keys groups
// its new needs of a step into cohorts in a fixed order whatever the thread count.
constexpr std::uint32_t max_neighbourhoods = 1u << 21;
constexpr std::uint64_t pack(std::uint32_t server, std::uint32_t need, std::uint32_t band,
                             std::uint32_t nb) {
    return (std::uint64_t{server} << 32) | (std::uint64_t{need} << 24) |
           (std::uint64_t{band} << 21) | nb;
}

// Adds the wall time of its scope to a phase's seconds (run_options::phases).
class phase_timer {
public:
    explicit phase_timer(double& seconds)
        : seconds_(seconds), start_(std::chrono::steady_clock::now()) {}
    phase_timer(const phase_timer&) = delete;
    phase_timer& operator=(const phase_timer&) = delete;
    ~phase_timer() {
        seconds_ +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    double& seconds_;
    std::chrono::steady_clock::time_point start_;
};

// Residents of the same age band and condition mask share their weekly need rates.
constexpr std::size_t mask_classes = 1u << condition_count;

// Levers must name needs, settings and providers the model has; the scenario reader checks this
// with file positions, this guards every other caller of the engine.
void check_need(const care_parameters& care, std::uint32_t need, std::string_view lever) {
    if (need >= care.needs.size())
        throw model_error(fmt::format("{} lever names need #{}; only {} needs exist", lever, need,
                                      care.needs.size()));
}
void check_row(const care_parameters& care, std::uint32_t need, setting s, std::string_view lever) {
    check_need(care, need, lever);
    if (!care.step(need, s))
        throw model_error(fmt::format("{} lever: need '{}' has no pathway row for '{}'", lever,
                                      care.needs[need].name, name_of(s)));
}
void check_provider(const model& m, std::uint32_t provider, std::string_view lever) {
    if (provider >= m.providers().size())
        throw model_error(fmt::format("{} lever names provider #{}; only {} providers exist", lever,
                                      provider, m.providers().size()));
}
bool practice_pool(setting s) {
    return s == setting::gp || s == setting::poh_s || s == setting::poh_ggz;
}

void check_levers(const model& m, const lever_set& levers) {
    const auto& care = m.care();
    for (const auto& l : levers.substitution)
        for (auto s : {l.from, l.to})
            check_row(care, l.need, s, "substitution");
    for (const auto& l : levers.social_prescribing)
        for (auto s : {l.from, setting::welfare})
            check_row(care, l.need, s, "social_prescribing");
    for (const auto& l : levers.task_shift)
        if (l.need)
            check_row(care, *l.need, l.from, "task_shift");
    for (const auto& l : levers.prevention)
        check_need(care, l.need, "prevention");
    for (const auto& l : levers.ehealth)
        if (l.need)
            check_need(care, *l.need, "ehealth");
    for (const auto& l : levers.capacity)
        if (l.provider) {
            check_provider(m, *l.provider, "capacity");
            if (m.server_of(*l.provider, l.where) == no_server)
                throw model_error(fmt::format("capacity lever: provider '{}' has no '{}' pool",
                                              m.providers().code[*l.provider], name_of(l.where)));
        }
    for (const auto& l : levers.practice_closure) {
        check_provider(m, l.provider, "practice_closure");
        if (m.providers().type[l.provider] != provider_type::gp_practice)
            throw model_error(
                fmt::format("practice_closure lever: provider '{}' is not a GP practice",
                            m.providers().code[l.provider]));
    }
    for (const auto& l : levers.collaboration)
        if (!practice_pool(l.where))
            throw model_error(fmt::format(
                "collaboration lever: setting '{}' is not a practice pool (gp, poh_s, poh_ggz)",
                name_of(l.where)));
}

// One routing change of a variant: substitution, social prescribing and task shift all move a
// share of a need's new contacts from one setting to another.
enum class move_kind : std::uint32_t { substitution = 0, social_prescribing = 1, task_shift = 2 };
struct move_rule {
    std::uint32_t need;
    setting from, to;
    eligibility who;
    move_kind kind;
    std::uint32_t lever; // index in the lever_set's vector of its kind
    // The key of the rule's random draws: what it does, not where it stands in the file, so the
    // same lever draws the same numbers in every variant.
    std::uint32_t key() const {
        return (static_cast<std::uint32_t>(kind) << 16) | (need << 8) |
               (static_cast<std::uint32_t>(from) << 4) | static_cast<std::uint32_t>(to);
    }
};

// The pathway table of a variant: the model's, plus the rows a task shift creates where a need
// has none at the receiving setting (the sending row's tariff, wait and escalation, with the
// lever's minutes factor).
care_parameters variant_care(const care_parameters& base, const lever_set& levers,
                             std::vector<move_rule>& moves) {
    care_parameters care = base;
    for (std::uint32_t i = 0; i < levers.substitution.size(); ++i) {
        const auto& l = levers.substitution[i];
        moves.push_back({l.need, l.from, l.to, l.who, move_kind::substitution, i});
    }
    for (std::uint32_t i = 0; i < levers.social_prescribing.size(); ++i) {
        const auto& l = levers.social_prescribing[i];
        moves.push_back(
            {l.need, l.from, setting::welfare, eligibility::all, move_kind::social_prescribing, i});
    }
    for (std::uint32_t i = 0; i < levers.task_shift.size(); ++i) {
        const auto& l = levers.task_shift[i];
        for (std::uint32_t n = 0; n < care.needs.size(); ++n) {
            if (l.need && *l.need != n)
                continue;
            const auto* from = care.step(n, l.from);
            if (!from || l.from == l.to)
                continue;
            if (!care.step(n, l.to)) {
                auto row = *from;
                row.where = l.to;
                row.share = 0;
                row.minutes_per_contact *= l.minutes_factor;
                care.pathways[n].push_back(row);
            }
            moves.push_back({n, l.from, l.to, eligibility::all, move_kind::task_shift, i});
        }
    }
    return care;
}

class stepper {
public:
    stepper(const model& m, const variant& v, std::uint64_t seed, run_point point)
        : m_(m), v_(v), rng_(seed, point.replicate), point_(point), residents_(m.residents()),
          residents_per_nb_(m.residents_per_neighbourhood()) {
        for (auto id : residents_.id)
            next_id_ = std::max(next_id_, id + 1);
        check_levers(m, v.levers);
        care_ = variant_care(m.care(), v.levers, moves_);
        needs_ = care_.needs.size();
        nbs_ = m.neighbourhood_count();
        const auto providers = m.providers().size();
        validate_rates(care_, m.time().step_years());
        // Demand classes: residents of the same age band, condition mask and propensity level
        // share their weekly need rates. Mean and e^-mean, read for every resident, sit in small
        // arrays of their own; the need mix is read only when a need arises.
        propensity_ = propensity_levels(care_.propensity_shape);
        const std::size_t classes = age_band_count * mask_classes * propensity_.size();
        class_mean_.resize(classes);
        class_cumulative_.resize(classes * needs_);
        const double step_years = m.time().step_years();
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t mask = 0; mask < mask_classes; ++mask)
                for (std::size_t level = 0; level < propensity_.size(); ++level) {
                    const auto c = (b * mask_classes + mask) * propensity_.size() + level;
                    double* cumulative = &class_cumulative_[c * needs_];
                    double total = 0;
                    for (std::size_t n = 0; n < needs_; ++n) {
                        const auto& spec = care_.needs[n];
                        // Chronic follow-up is scheduled by condition; the propensity applies to
                        // the needs everyone draws.
                        const double rate =
                            !spec.applies_to ? spec.rate_per_year[b] * propensity_[level]
                            : (mask & bit(*spec.applies_to)) != 0 ? spec.rate_per_year[b]
                                                                  : 0.0;
                        total += rate * step_years;
                        cumulative[n] = total;
                    }
                    class_mean_[c] = total;
                    for (std::size_t n = 0; n < needs_; ++n)
                        cumulative[n] = total > 0 ? cumulative[n] / total : 1.0;
                }
        // Per-contact routing: cumulative baseline shares over the settings of each need.
        routes_.resize(needs_);
        for (std::size_t n = 0; n < needs_; ++n) {
            double total = 0;
            for (const auto& row : care_.pathways[n])
                if (row.share > 0) {
                    total += row.share;
                    routes_[n].push_back({row.where, total});
                }
        }

        const auto servers = m.servers().size();
        queues_.resize(servers);
        expired_.resize(servers);
        served_.resize(servers);
        minutes_used_server_.assign(servers, 0.0);
        spare_min_.assign(servers, 0.0);
        queue_wait_.assign(servers, 0);
        server_capacity_.assign(servers, 0.0);
        extra_min_.assign(servers, 0.0);
        server_closed_.assign(servers, 0);
        const std::size_t ns = nbs_ * setting_count;
        demand_.resize(ns);
        contacts_.resize(ns);
        escalated_.resize(ns);
        unmet_.resize(ns);
        wait_.resize(ns);
        cost_.resize(ns);
        demand_by_need_.resize(nbs_ * needs_);
        unmet_by_need_.resize(nbs_ * needs_);
        demand_by_need_band_.resize(needs_ * age_band_count);
        for (auto* column : {&contacts_by_band_, &wait_by_band_, &unmet_by_band_})
            column->resize(setting_count * age_band_count);
        cost_by_band_.resize(setting_count * age_band_count);
        if (nbs_ >= max_neighbourhoods)
            throw model_error("too many neighbourhoods for the event encoding (at most 2,097,151)");
        minutes_.assign(needs_ * setting_count, 0.0);
        for (auto* column : {&backlog_, &provider_contacts_, &arrivals_, &left_unserved_,
                             &provider_wait_, &queue_weeks_, &listed_, &gp_contacts_})
            column->resize(providers);
        minutes_used_.resize(providers);
        capacity_.assign(providers, 0.0);
        gp_capacity_.assign(providers, 0.0);
        count_listed();
        seen_.assign(residents_.size(), 0);
        assign_levels();
        draw_next_needs(0);
        // Collaboration partners: the practice pools of each WSV, per pool setting, in index order.
        if (!v.levers.collaboration.empty())
            for (std::uint32_t i = 0; i < servers; ++i) {
                const auto& sv = m.servers()[i];
                if (practice_pool(sv.where))
                    wsv_pools_[{m.providers().wsv[sv.provider], sv.where}].push_back(i);
            }
    }

    const phase_seconds& phases() const { return phases_; }

    void step(std::size_t k, recorder& rec) {
        std::optional<phase_timer> timer(std::in_place, phases_.levers);
        now_ = static_cast<std::uint32_t>(k);
        for (auto* v : {&demand_, &contacts_, &escalated_, &unmet_, &wait_, &demand_by_need_,
                        &unmet_by_need_, &backlog_, &provider_contacts_, &arrivals_,
                        &left_unserved_, &provider_wait_, &queue_weeks_, &gp_contacts_,
                        &demand_by_need_band_, &contacts_by_band_, &wait_by_band_, &unmet_by_band_})
            std::fill(v->begin(), v->end(), 0u);
        std::fill(cost_.begin(), cost_.end(), 0.0);
        std::fill(cost_by_band_.begin(), cost_by_band_.end(), 0.0);
        std::fill(minutes_used_.begin(), minutes_used_.end(), 0.0);

        year_ = m_.time().step_decimal_year(k);
        next_step_ = now_ + 1;
        close_practices();
        apply_levers();
        timer.emplace(phases_.expire);
        expire();
        timer.reset();
        draw_demand();
        timer.emplace(phases_.serve);
        serve();
        collaborate();
        timer.emplace(phases_.account);
        account();
        rec.record(step_view{point_,
                             k,
                             residents_per_nb_,
                             demand_,
                             demand_by_need_,
                             contacts_,
                             escalated_,
                             unmet_,
                             cost_,
                             wait_,
                             backlog_,
                             provider_contacts_,
                             minutes_used_,
                             capacity_,
                             unmet_by_need_,
                             arrivals_,
                             left_unserved_,
                             provider_wait_,
                             queue_weeks_,
                             listed_,
                             gp_contacts_,
                             gp_capacity_,
                             demand_by_need_band_,
                             contacts_by_band_,
                             cost_by_band_,
                             wait_by_band_,
                             unmet_by_band_,
                             registered_by_band_,
                             residents_by_band_});
    }

    // The end of a simulated year: who used care during it, then (with demography on) deaths,
    // migration, births, ageing and new conditions.
    void end_year(std::uint32_t year_index, recorder& rec) {
        const phase_timer timer(phases_.year_end);
        constexpr auto bands = age_band_count;
        const auto seen = count_residents(3 * bands, [&](std::size_t i, std::uint32_t* n) {
            const auto b = residents_.age_band[i];
            ++n[b];
            n[bands + b] += (seen_[i] & seen_practice) != 0;
            n[2 * bands + b] += (seen_[i] & seen_hospital) != 0;
        });
        year_use use;
        std::copy_n(seen.begin(), bands, use.residents.begin());
        std::copy_n(seen.begin() + bands, bands, use.with_practice_need.begin());
        std::copy_n(seen.begin() + 2 * bands, bands, use.with_hospital_need.begin());
        std::optional<demography_year> report;
        if (m_.demography().enabled) {
            report = zorgsim::advance_year(residents_, m_.demography(), m_.prevalence(), rng_,
                                           year_index, next_id_, &spare_residents_);
            residents_per_nb_ = count_residents(
                nbs_, [&](std::size_t i, std::uint32_t* n) { ++n[residents_.neighbourhood[i]]; });
            count_listed();
        }
        seen_.assign(residents_.size(), 0);
        assign_levels();
        draw_next_needs(next_step_);
        rec.record_year(year_view{point_, year_index,
                                  m_.time().start.year + static_cast<int>(year_index),
                                  report ? &*report : nullptr, &use});
    }

private:
    std::size_t cell(std::uint32_t nb, setting s) const {
        return nb * setting_count + static_cast<std::size_t>(s);
    }
    const pathway_step& row(std::uint32_t need, setting s) const { return *care_.step(need, s); }
    static constexpr std::uint8_t seen_practice = 1, seen_hospital = 2;
    static std::uint8_t seen_bit(setting s) {
        if (s == setting::gp || s == setting::poh_s || s == setting::poh_ggz)
            return seen_practice;
        if (s == setting::hospital_outpatient || s == setting::emergency_department ||
            s == setting::hospital_admission)
            return seen_hospital;
        return 0;
    }
    static std::size_t band_cell(setting s, std::uint8_t band) {
        return static_cast<std::size_t>(s) * age_band_count + band;
    }

    std::size_t class_of(std::size_t i) const {
        return (residents_.age_band[i] * mask_classes + residents_.conditions[i]) *
                   propensity_.size() +
               level_[i];
    }

    // Each resident's needs arrive as a Poisson process at the resident's class rate, so a step
    // only visits residents whose next need falls in it. Redrawn from `from_step` whenever rates
    // may change (the start, and every year end): the exponential has no memory, so this leaves
    // the process exact.
    void draw_next_needs(std::uint32_t from_step) {
        next_need_.resize(residents_.size());
        tbb::parallel_for(std::size_t{0}, residents_.size(), [&](std::size_t i) {
            const double rate = class_mean_[class_of(i)];
            const double u = keyed_rng::uniform(
                rng_.words(rng_stream::demand_count, residents_.id[i], from_step)[0]);
            next_need_[i] =
                rate > 0 ? from_step - std::log(u) / rate : std::numeric_limits<double>::infinity();
        });
    }

    // A resident's propensity level, keyed by id: the same for life, whatever the order of the
    // table after demography.
    void assign_levels() {
        level_.resize(residents_.size());
        const auto levels = propensity_.size();
        if (levels == 1) {
            std::fill(level_.begin(), level_.end(), std::uint8_t{0});
            return;
        }
        tbb::parallel_for(std::size_t{0}, residents_.size(), [&](std::size_t i) {
            level_[i] = static_cast<std::uint8_t>(
                keyed_rng::uniform(rng_.words(rng_stream::propensity, residents_.id[i], 0)[0]) *
                static_cast<double>(levels));
        });
    }

    // Counts over the residents in parallel: `add(i, n)` adds resident i to the `size` counters
    // at n. Integer sums, so the totals do not depend on how the table is split.
    template <typename Add>
    std::vector<std::uint32_t> count_residents(std::size_t size, Add add) const {
        using counts = std::vector<std::uint32_t>;
        auto total = tbb::parallel_reduce(
            tbb::blocked_range<std::size_t>(0, residents_.size(), 1 << 16), counts(),
            [&](const tbb::blocked_range<std::size_t>& range, counts n) {
                n.resize(size);
                for (auto i = range.begin(); i != range.end(); ++i)
                    add(i, n.data());
                return n;
            },
            [](counts a, const counts& b) {
                if (a.size() < b.size())
                    a.resize(b.size());
                for (std::size_t k = 0; k < b.size(); ++k)
                    a[k] += b[k];
                return a;
            });
        total.resize(size); // also with no residents at all
        return total;
    }

    void count_listed() {
        const auto providers = listed_.size();
        constexpr auto bands = age_band_count;
        const auto n = count_residents(providers + 2 * bands, [&](std::size_t i, std::uint32_t* c) {
            const auto b = residents_.age_band[i];
            ++c[providers + b];
            if (const auto p = residents_.practice[i]; p != no_practice) {
                ++c[p];
                ++c[providers + bands + b];
            }
        });
        std::copy_n(n.begin(), providers, listed_.begin());
        std::copy_n(n.begin() + providers, bands, residents_by_band_.begin());
        std::copy_n(n.begin() + providers + bands, bands, registered_by_band_.begin());
    }

    // Practices whose closure date has come close: their residents are listed elsewhere by the
    // network's min-cost flow, and the lever's share of their staff follows the residents.
    void close_practices() {
        std::vector<std::uint32_t> closing;
        std::vector<double> staff_move;
        for (std::uint32_t i = 0; i < v_.levers.practice_closure.size(); ++i) {
            const auto& l = v_.levers.practice_closure[i];
            if (closure_done_.contains(i) || !closed(l, year_))
                continue;
            closure_done_.insert(i);
            closing.push_back(l.provider);
            staff_move.push_back(l.staff_move_share);
        }
        if (closing.empty())
            return;
        std::vector<std::uint32_t> moved_from(residents_.size(), no_practice);
        for (std::size_t r = 0; r < residents_.size(); ++r)
            if (std::find(closing.begin(), closing.end(), residents_.practice[r]) != closing.end())
                moved_from[r] = residents_.practice[r];
        reassign_after_closure(residents_, m_.network(), closing);
        for (std::size_t c = 0; c < closing.size(); ++c) {
            // Residents received per practice from this closure, in provider order.
            std::map<std::uint32_t, std::uint32_t> received;
            std::uint64_t total = 0;
            for (std::size_t r = 0; r < residents_.size(); ++r)
                if (moved_from[r] == closing[c] && residents_.practice[r] != no_practice) {
                    ++received[residents_.practice[r]];
                    ++total;
                }
            for (auto pool : {setting::gp, setting::poh_s, setting::poh_ggz}) {
                const auto from = m_.server_of(closing[c], pool);
                if (from == no_server)
                    continue;
                server_closed_[from] = 1;
                const double staff = staff_move[c] * m_.servers()[from].capacity_min_per_week;
                for (const auto& [practice, n] : received)
                    if (const auto to = m_.server_of(practice, pool); to != no_server)
                        extra_min_[to] += staff * n / static_cast<double>(total);
            }
        }
        count_listed();
    }

    // This step's capacities, routing shares, minutes per contact and pooled shares.
    void apply_levers() {
        const auto& levers = v_.levers;
        const auto& servers = m_.servers();
        for (std::size_t i = 0; i < servers.size(); ++i) {
            const auto& sv = servers[i];
            const double base = sv.capacity_min_per_week;
            double cap = base;
            for (const auto& l : levers.workforce_trend)
                if (l.where == sv.where)
                    cap *= workforce_factor(l, year_);
            for (const auto& l : levers.capacity)
                if (l.where == sv.where && (!l.provider || *l.provider == sv.provider))
                    cap += capacity_change_min(
                        l, base,
                        m_.care().minutes_per_fte_per_week[static_cast<std::size_t>(sv.where)],
                        year_);
            cap += extra_min_[i];
            server_capacity_[i] = server_closed_[i] ? 0.0 : std::max(0.0, cap);
        }
        move_share_.clear();
        for (const auto& mv : moves_) {
            switch (mv.kind) {
            case move_kind::substitution:
                move_share_.push_back(moved_share(levers.substitution[mv.lever], year_));
                break;
            case move_kind::social_prescribing:
                move_share_.push_back(
                    moved_share(as_substitution(levers.social_prescribing[mv.lever]), year_));
                break;
            case move_kind::task_shift:
                move_share_.push_back(shifted_share(levers.task_shift[mv.lever], year_));
                break;
            }
        }
        prevented_.assign(needs_, 0.0);
        for (const auto& l : levers.prevention)
            prevented_[l.need] =
                1.0 - (1.0 - prevented_[l.need]) * (1.0 - prevented_share(l, year_));
        for (std::uint32_t n = 0; n < needs_; ++n)
            for (const auto& r : care_.pathways[n]) {
                double f = 1.0;
                for (const auto& l : levers.ehealth)
                    if (l.where == r.where && (!l.need || *l.need == n))
                        f *= minutes_factor(l, year_);
                minutes_[n * setting_count + static_cast<std::size_t>(r.where)] =
                    r.minutes_per_contact * f;
            }
        pooled_.fill(0.0);
        for (const auto& l : levers.collaboration) {
            auto& p = pooled_[static_cast<std::size_t>(l.where)];
            p = std::max(p, pooled_share(l, year_));
        }
    }

    double minutes(std::uint32_t need, setting s) const {
        return minutes_[need * setting_count + static_cast<std::size_t>(s)];
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
                if (now_ - c.arrival_step <= row(c.need, where).max_wait_weeks)
                    return false;
                out.push_back(c);
                return true;
            });
        });
        for (std::size_t i = 0; i < servers.size(); ++i) {
            const auto where = servers[i].where;
            const auto provider = servers[i].provider;
            for (const auto& c : expired_[i]) {
                left_unserved_[provider] += c.count;
                queue_weeks_[provider] += c.count * (now_ - c.arrival_step);
                const auto& r = row(c.need, where);
                if (r.escalates_to == escalate_to_unmet) {
                    unmet_[cell(c.neighbourhood, where)] += c.count;
                    unmet_by_need_[c.neighbourhood * needs_ + c.need] += c.count;
                    unmet_by_band_[band_cell(where, c.age_band)] += c.count;
                    continue;
                }
                escalated_[cell(c.neighbourhood, where)] += c.count;
                const auto to = static_cast<setting>(r.escalates_to);
                const auto target = m_.escalation_target(to, c.neighbourhood, provider);
                if (target == no_server) {
                    unmet_[cell(c.neighbourhood, to)] += c.count;
                    unmet_by_need_[c.neighbourhood * needs_ + c.need] += c.count;
                    unmet_by_band_[band_cell(to, c.age_band)] += c.count;
                } else {
                    queues_[target].push_back({now_, c.neighbourhood, c.count, c.need, c.age_band});
                    arrivals_[servers[target].provider] += c.count;
                }
            }
        }
    }

    setting pick_setting(std::uint32_t i, std::uint32_t need, std::uint32_t draw,
                         double u_contact) const {
        const auto resident = residents_.id[i];
        const auto& spec = care_.needs[need];
        const bool stable = spec.routing == routing_rule::per_resident;
        const double u =
            stable ? keyed_rng::uniform(rng_.words(rng_stream::management, resident, 0, need)[0])
                   : u_contact;
        const auto& r = routes_[need];
        std::size_t k = 0;
        while (k + 1 < r.size() && u >= r[k].cumulative)
            ++k;
        setting s = r[k].where;
        for (std::size_t li = 0; li < moves_.size(); ++li) {
            const auto& mv = moves_[li];
            if (mv.need != need || mv.from != s || move_share_[li] <= 0 ||
                !eligible(mv.who, residents_.conditions[i]))
                continue;
            // Stable routing keeps the lever's draw per resident, so a moved patient stays moved.
            const auto lever_draw = (stable ? 0u : (draw & 0x3Fu) << 18) | (mv.key() & 0x3FFFFu);
            const double ul = keyed_rng::uniform(
                rng_.words(rng_stream::lever, resident, stable ? 0 : now_, lever_draw)[0]);
            if (ul < move_share_[li])
                s = mv.to;
        }
        return s;
    }

    // What one thread gathers while drawing a step's needs: routed needs as event keys, how many
    // went to each server, and the per-neighbourhood and per-band tallies. Integer sums, so adding
    // the threads' tallies gives the same totals in any order.
    struct draw_tally {
        std::vector<std::uint64_t> events;
        std::vector<std::uint32_t> due;           // rows of a range with a need left to draw
        std::vector<std::uint32_t> per_server;    // count, then write cursor
        std::vector<std::uint32_t> demand, unmet; // neighbourhood x setting
        std::vector<std::uint32_t> demand_by_need, unmet_by_need; // neighbourhood x need
        std::vector<std::uint32_t> demand_by_need_band;           // need x age band
        std::vector<std::uint32_t> unmet_by_band;                 // setting x age band
    };

    draw_tally& local_tally() {
        auto& t = tallies_.local();
        if (t.per_server.empty()) {
            t.per_server.assign(m_.servers().size(), 0);
            t.demand.assign(demand_.size(), 0);
            t.unmet.assign(unmet_.size(), 0);
            t.demand_by_need.assign(demand_by_need_.size(), 0);
            t.unmet_by_need.assign(unmet_by_need_.size(), 0);
            t.demand_by_need_band.assign(demand_by_need_band_.size(), 0);
            t.unmet_by_band.assign(unmet_by_band_.size(), 0);
        }
        return t;
    }

    void draw_demand() {
        std::optional<phase_timer> timer(std::in_place, phases_.draw);
        const auto& res = residents_;
        const auto& servers = m_.servers();
        const bool prevention = !v_.levers.prevention.empty();
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, res.size(), 8192),
            [&](const tbb::blocked_range<std::size_t>& range) {
                auto& t = local_tally();
                const double step_end = now_ + 1.0;
                // Most residents have no need this week, a random quarter do: listing those
                // without a branch first spares a mispredicted branch per resident.
                auto& due = t.due;
                due.resize(range.size());
                std::size_t due_count = 0;
                for (std::size_t i = range.begin(); i != range.end(); ++i) {
                    due[due_count] = static_cast<std::uint32_t>(i);
                    due_count += next_need_[i] < step_end;
                }
                // One need of resident i (of class c): which need, where, which provider.
                const auto place_need = [&](std::size_t i, std::size_t c, std::uint32_t j,
                                            const std::array<std::uint32_t, 4>& w) {
                    const auto id = res.id[i];
                    const double* need_cumulative = &class_cumulative_[c * needs_];
                    const auto nb = res.neighbourhood[i];
                    const auto band = res.age_band[i];
                    const double un = keyed_rng::uniform(w[0]);
                    // The first need whose cumulative share exceeds the draw (the last one for
                    // a draw at the top of the range).
                    const auto need = static_cast<std::uint32_t>(
                        std::upper_bound(need_cumulative, need_cumulative + needs_ - 1, un) -
                        need_cumulative);
                    // Prevention thins the drawn needs with draws of its own, so every
                    // other need, and every other variant's numbers, stay as they were.
                    if (prevention && prevented_[need] > 0 &&
                        keyed_rng::uniform(rng_.words(rng_stream::prevention, id, now_, j)[0]) <
                            prevented_[need])
                        return;
                    const auto s = pick_setting(static_cast<std::uint32_t>(i), need, j,
                                                keyed_rng::uniform(w[1]));
                    seen_[i] |= seen_bit(s);
                    const auto srv = m_.route(s, nb, res.practice[i], keyed_rng::uniform(w[2]));
                    if (srv == no_server) { // no provider for the setting: unmet at once
                        ++t.demand_by_need[nb * needs_ + need];
                        ++t.demand_by_need_band[need * age_band_count + band];
                        ++t.demand[cell(nb, s)];
                        ++t.unmet[cell(nb, s)];
                        ++t.unmet_by_need[nb * needs_ + need];
                        ++t.unmet_by_band[band_cell(s, band)];
                        return;
                    }
                    ++t.per_server[srv]; // the demand tallies follow per cohort, below
                    t.events.push_back(pack(srv, need, band, nb));
                };
                // Draws go round by round: first every due resident's first need, then the
                // second need of those with another, and so on. Within a round the draws depend
                // on nothing else, so a batch of them gets its Philox words eight lanes at a time
                // and its logs overlapped before any is placed; and no per-resident loop of
                // random length mispredicts its exit. The order of the events does not matter:
                // each server's are sorted by key, the tallies are sums.
                constexpr std::size_t batch = 16;
                std::array<std::array<std::uint32_t, 4>, batch> words;
                std::array<double, batch> gap;
                std::array<std::uint32_t, batch> rows, ids;
                std::array<std::size_t, batch> classes;
                for (std::uint32_t j = 0; due_count > 0; ++j) {
                    std::size_t again = 0; // residents with a further need, kept in place in due
                    for (std::size_t k0 = 0; k0 < due_count; k0 += batch) {
                        const std::size_t n = std::min(batch, due_count - k0);
                        // Unused lanes of the last batch draw for resident 0, and are ignored.
                        ids.fill(0);
                        for (std::size_t b = 0; b < n; ++b) {
                            rows[b] = due[k0 + b];
                            ids[b] = res.id[rows[b]];
                            classes[b] = class_of(rows[b]);
                        }
                        for (std::size_t b = 0; b < batch; b += 8)
                            rng_.words8(rng_stream::demand_detail, &ids[b], now_, j, &words[b]);
                        // The need shares of the batch's classes, read when placing the needs,
                        // are too many to stay cached: fetching them now overlaps the misses.
                        for (std::size_t b = 0; b < n; ++b) {
                            const char* shares = reinterpret_cast<const char*>(
                                &class_cumulative_[classes[b] * needs_]);
                            for (std::size_t at = 0; at < needs_ * sizeof(double); at += 64)
                                __builtin_prefetch(shares + at);
                        }
                        // The time to the resident's next need: exponential, a Poisson process.
                        for (std::size_t b = 0; b < n; ++b)
                            gap[b] = -std::log(keyed_rng::uniform(words[b][3])) /
                                     class_mean_[classes[b]];
                        for (std::size_t b = 0; b < n; ++b) {
                            const std::size_t i = rows[b];
                            next_need_[i] += gap[b];
                            place_need(i, classes[b], j, words[b]);
                            due[again] = rows[b];
                            again += next_need_[i] < step_end;
                        }
                    }
                    due_count = again;
                }
            });
        timer.emplace(phases_.group);
        std::vector<draw_tally*> parts; // the threads that drew needs
        for (auto& t : tallies_)
            parts.push_back(&t);

        // Each server's needs get one slice of all_events_ (servers in index order, the threads'
        // shares one after another inside it); counting the equal keys of a slice groups its needs
        // into cohorts in key order, the same order whatever the thread count.
        server_first_.resize(servers.size() + 1);
        std::size_t at = 0;
        for (std::size_t srv = 0; srv < servers.size(); ++srv) {
            server_first_[srv] = at;
            for (auto* p : parts) {
                const auto n = p->per_server[srv];
                p->per_server[srv] = static_cast<std::uint32_t>(at);
                at += n;
            }
            arrivals_[servers[srv].provider] += static_cast<std::uint32_t>(at - server_first_[srv]);
        }
        server_first_[servers.size()] = at;
        all_events_.resize(at);
        tbb::parallel_for(std::size_t{0}, parts.size(), [&](std::size_t k) {
            auto& p = *parts[k];
            for (const auto key : p.events)
                all_events_[p.per_server[key >> 32]++] = static_cast<std::uint32_t>(key);
            p.events.clear();
        });
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, servers.size(), 16),
            [&](const tbb::blocked_range<std::size_t>& range) {
                auto& counter = key_counter_.local();
                auto& t = local_tally();
                for (auto srv = range.begin(); srv != range.end(); ++srv) {
                    const auto where = servers[srv].where;
                    const auto first = all_events_.data() + server_first_[srv];
                    const auto last = all_events_.data() + server_first_[srv + 1];
                    for (const auto& [key, count] : counter.count(first, last)) {
                        const auto need = static_cast<std::uint32_t>((key >> 24) & 0xFF);
                        const auto band = static_cast<std::uint8_t>((key >> 21) & 0x7);
                        const auto nb = static_cast<std::uint32_t>(key) & (max_neighbourhoods - 1);
                        queues_[srv].push_back(
                            {now_, nb, count, static_cast<std::uint16_t>(need), band});
                        t.demand[cell(nb, where)] += count;
                        t.demand_by_need[nb * needs_ + need] += count;
                        t.demand_by_need_band[need * age_band_count + band] += count;
                    }
                }
            });

        const auto add_and_clear = [](std::vector<std::uint32_t>& total,
                                      std::vector<std::uint32_t>& part) {
            for (std::size_t k = 0; k < total.size(); ++k)
                total[k] += part[k];
            std::fill(part.begin(), part.end(), 0u);
        };
        for (auto& part : tallies_) { // all threads: those that grouped cohorts too
            auto* p = &part;
            add_and_clear(demand_, p->demand);
            add_and_clear(unmet_, p->unmet);
            add_and_clear(demand_by_need_, p->demand_by_need);
            add_and_clear(unmet_by_need_, p->unmet_by_need);
            add_and_clear(demand_by_need_band_, p->demand_by_need_band);
            add_and_clear(unmet_by_band_, p->unmet_by_band);
            std::fill(p->per_server.begin(), p->per_server.end(), 0u);
        }
    }

    // Serves queue `from` first-come first-served with up to `minutes` minutes of server `by`;
    // a cohort that does not fit whole is served in part and blocks the queue behind it. Returns
    // the minutes left.
    double serve_queue(std::size_t from, std::size_t by, double minutes_left) {
        auto& q = queues_[from];
        const auto where = m_.servers()[from].where;
        while (!q.empty()) {
            auto& c = q.front();
            const double per_contact = minutes(c.need, where);
            const auto fits = static_cast<std::uint32_t>(
                std::min<double>(c.count, std::floor(minutes_left / per_contact + 1e-9)));
            if (fits > 0) {
                const auto waited = fits * (now_ - c.arrival_step);
                served_[by].push_back({c.neighbourhood, c.need, fits, waited, c.age_band});
                queue_wait_[from] += waited;
                minutes_left -= fits * per_contact;
                c.count -= fits;
            }
            if (c.count > 0)
                break;
            q.pop_front();
        }
        return minutes_left;
    }

    void serve() {
        const auto& servers = m_.servers();
        tbb::parallel_for(std::size_t{0}, servers.size(), [&](std::size_t i) {
            served_[i].clear();
            queue_wait_[i] = 0;
            const double left = std::max(0.0, serve_queue(i, i, server_capacity_[i]));
            minutes_used_server_[i] = server_capacity_[i] - left;
            spare_min_[i] = left;
        });
    }

    // WSV pooling: partners' offered spare minutes serve what is still waiting, pools and
    // partners taken in index order so the result does not depend on threads.
    void collaborate() {
        for (auto& [key, pools] : wsv_pools_) {
            const double share = pooled_[static_cast<std::size_t>(key.second)];
            if (share <= 0)
                continue;
            for (auto waiting : pools) {
                if (queues_[waiting].empty())
                    continue;
                for (auto partner : pools) {
                    if (partner == waiting || spare_min_[partner] <= 0 || server_closed_[partner])
                        continue;
                    const double offered = share * spare_min_[partner];
                    const double left = serve_queue(waiting, partner, offered);
                    minutes_used_server_[partner] += offered - left;
                    spare_min_[partner] -= offered - left;
                    if (queues_[waiting].empty())
                        break;
                }
            }
        }
    }

    void account() {
        const auto& servers = m_.servers();
        for (std::size_t i = 0; i < servers.size(); ++i) {
            const auto where = servers[i].where;
            const auto provider = servers[i].provider;
            for (const auto& s : served_[i]) {
                const auto at = cell(s.neighbourhood, where);
                const double cost = s.contacts * row(s.need, where).tariff_eur;
                contacts_[at] += s.contacts;
                wait_[at] += s.wait_weeks_sum;
                cost_[at] += cost;
                const auto by_band = band_cell(where, s.age_band);
                contacts_by_band_[by_band] += s.contacts;
                wait_by_band_[by_band] += s.wait_weeks_sum;
                cost_by_band_[by_band] += cost;
                provider_contacts_[provider] += s.contacts;
                if (where == setting::gp)
                    gp_contacts_[provider] += s.contacts;
            }
            provider_wait_[provider] += queue_wait_[i];
            queue_weeks_[provider] += queue_wait_[i];
            minutes_used_[provider] += minutes_used_server_[i];
            for (const auto& c : queues_[i])
                backlog_[provider] += c.count;
        }
        std::fill(capacity_.begin(), capacity_.end(), 0.0);
        std::fill(gp_capacity_.begin(), gp_capacity_.end(), 0.0);
        for (std::size_t i = 0; i < servers.size(); ++i) {
            capacity_[servers[i].provider] += server_capacity_[i];
            if (servers[i].where == setting::gp)
                gp_capacity_[servers[i].provider] += server_capacity_[i];
        }
    }

    struct route_share {
        setting where;
        double cumulative;
    };

    phase_seconds phases_;
    const model& m_;
    const variant& v_;
    keyed_rng rng_;
    run_point point_;
    resident_table residents_;       // this run point's population, changed by demography each year
    resident_table spare_residents_; // last year's table, reused by demography for the next one
    std::vector<std::uint8_t> seen_; // per resident: care used this year (seen_practice | ...)
    std::vector<std::uint32_t> residents_per_nb_;
    std::uint32_t next_id_ = 0;
    care_parameters care_; // the model's pathways plus rows created by task shifts
    std::vector<move_rule> moves_;
    std::size_t needs_ = 0;
    std::size_t nbs_ = 0;
    std::uint32_t now_ = 0;
    double year_ = 0;
    std::vector<double> propensity_;  // multiplier per propensity level
    std::vector<std::uint8_t> level_; // per resident: propensity level, fixed for life
    std::vector<double> class_mean_, class_cumulative_;
    std::vector<double> next_need_; // per resident: time of the next need, in steps
    std::uint32_t next_step_ = 0;   // the step that runs next
    std::vector<std::vector<route_share>> routes_;
    // This step's lever effects.
    std::vector<double> move_share_;             // per move rule
    std::vector<double> prevented_;              // per need
    std::vector<double> minutes_;                // per need x setting
    std::array<double, setting_count> pooled_{}; // collaboration share per setting
    std::vector<double> server_capacity_;        // minutes this step
    std::vector<double> extra_min_;              // staff minutes received from closed practices
    std::vector<std::uint8_t> server_closed_;
    std::set<std::uint32_t> closure_done_;
    std::map<std::pair<std::uint32_t, setting>, std::vector<std::uint32_t>> wsv_pools_;

    std::vector<std::deque<cohort>> queues_;
    std::vector<std::vector<cohort>> expired_;
    std::vector<std::vector<served>> served_;
    std::vector<double> minutes_used_server_, spare_min_;
    std::vector<std::uint32_t> queue_wait_; // weeks waited by contacts served from each queue
    tbb::enumerable_thread_specific<draw_tally> tallies_;
    tbb::enumerable_thread_specific<key_counter> key_counter_;
    // This step's routed needs, sliced by server: the low halves of their keys (the high half is
    // the server).
    std::vector<std::uint32_t> all_events_;
    std::vector<std::size_t> server_first_; // per server: its slice of all_events_
    std::vector<std::uint32_t> demand_, contacts_, escalated_, unmet_, wait_, demand_by_need_,
        unmet_by_need_;
    std::vector<double> cost_;
    // Region totals by age band, for age-standardised comparisons.
    std::vector<std::uint32_t> demand_by_need_band_, contacts_by_band_, wait_by_band_,
        unmet_by_band_;
    std::vector<double> cost_by_band_;
    std::array<std::uint32_t, age_band_count> registered_by_band_{}, residents_by_band_{};
    std::vector<std::uint32_t> backlog_, provider_contacts_, arrivals_, left_unserved_,
        provider_wait_, queue_weeks_, listed_, gp_contacts_;
    std::vector<double> minutes_used_, capacity_, gp_capacity_;
};

} // namespace

namespace {

// One run point from start to end, its recorder calls going to `rec`.
phase_seconds run_unit(const model& m, const run_plan& plan, const run_point& point, recorder& rec,
                       const run_options& options) {
    rec.begin_point(point);
    stepper s(m, plan.variants[point.variant], plan.seed, point);
    // Each anniversary of the start date ends a simulated year (and runs demography), and the
    // last one after the final step, so every year is recorded.
    const auto& h = m.time();
    std::uint32_t year = 0;
    const auto anniversary = [&](std::uint32_t y) {
        return days_from_civil(
            date{h.start.year + static_cast<int>(y), h.start.month, h.start.day});
    };
    for (std::size_t k = 0; k < h.step_count(); ++k) {
        if (options.cancelled && options.cancelled())
            throw run_cancelled();
        const auto day = days_from_civil(h.step_start(k));
        while (day >= anniversary(year + 1))
            s.end_year(year++, rec);
        s.step(k, rec);
    }
    while (year < static_cast<std::uint32_t>(h.years))
        s.end_year(year++, rec);
    rec.end_point(point);
    return s.phases();
}

// Bytes a unit_buffer holds for one run point of this model (every step's arrays).
double buffered_bytes(const model& m) {
    const double nbs = static_cast<double>(m.neighbourhood_count());
    const double providers = static_cast<double>(m.providers().size());
    const double needs = static_cast<double>(m.care().needs.size());
    const double per_step = nbs * (setting_count * 8 + needs * 2 + 1) * 4 + providers * 15 * 6 +
                            (setting_count * 5 + needs) * age_band_count * 5;
    return per_step * static_cast<double>(m.time().step_count());
}

} // namespace

void run(const model& m, const run_plan& plan, recorder& rec, const run_options& options) {
    const int threads =
        options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
    tbb::task_arena arena(threads);
    arena.execute([&] {
        rec.begin(m, plan);
        std::vector<run_point> todo;
        for (std::uint32_t v = 0; v < plan.variants.size(); ++v)
            for (std::uint32_t r = 0; r < plan.replicates; ++r)
                if (!(options.skip && options.skip(run_point{v, r})))
                    todo.push_back({v, r});
        // Several units at once keep every thread busy through the serial parts of a step. Their
        // recorder calls are buffered and handed on in plan order, so results and files are those
        // of a sequential run. Only when the buffers fit the memory allowance.
        phase_seconds phases;
        std::size_t at_once = 1;
        if (threads > 1 && todo.size() > 1 &&
            buffered_bytes(m) * threads <= options.unit_buffer_bytes)
            at_once = static_cast<std::size_t>(threads);
        for (std::size_t first = 0; first < todo.size(); first += at_once) {
            const auto n = std::min(at_once, todo.size() - first);
            if (n == 1) {
                phases += run_unit(m, plan, todo[first], rec, options);
                continue;
            }
            std::vector<unit_buffer> buffers(n);
            std::vector<phase_seconds> unit_phases(n);
            tbb::parallel_for(
                tbb::blocked_range<std::size_t>(0, n, 1),
                [&](const tbb::blocked_range<std::size_t>& range) {
                    // Isolated: a thread waiting inside one unit's parallel loop must not
                    // start another unit there (it would stall the first and count its time
                    // in the first unit's phase too).
                    for (auto i = range.begin(); i != range.end(); ++i)
                        tbb::this_task_arena::isolate([&] {
                            unit_phases[i] =
                                run_unit(m, plan, todo[first + i], buffers[i], options);
                        });
                },
                tbb::simple_partitioner());
            for (const auto& b : buffers)
                b.replay(rec);
            for (const auto& p : unit_phases)
                phases += p;
        }
        rec.end();
        if (options.phases)
            *options.phases += phases;
    });
}

phase_seconds& phase_seconds::operator+=(const phase_seconds& o) {
    levers += o.levers;
    expire += o.expire;
    draw += o.draw;
    group += o.group;
    serve += o.serve;
    account += o.account;
    year_end += o.year_end;
    return *this;
}

double phase_seconds::total() const {
    return levers + expire + draw + group + serve + account + year_end;
}

} // namespace zorgsim
