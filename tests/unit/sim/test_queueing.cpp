// The engine's queue against queueing theory (issue 5, item 5).
//
// One provider with one capacity pool, one need and Poisson weekly demand. Each step the engine
// expires needs that waited too long (none here: the maximum wait is 100000 weeks), draws the
// week's new needs and appends them to the FIFO backlog as one cohort, serves the backlog with the
// week's minutes (floor(minutes / minutes per contact) = c contacts, this week's arrivals included
// at 0 weeks' wait), and records the backlog at the end of the step. So the backlog follows the
// discrete-time Lindley recursion
//     Q_t = max(Q_{t-1} + A_t - c, 0),   A_t ~ Poisson(lambda) i.i.d.,
// whose stationary law is computed here exactly (up to a truncation mass below 1e-12) and
// compared with long simulations: mean backlog E[Q] and, by Little's law with a need served in the
// week it arises waiting 0 weeks, mean wait E[W] = E[Q] / lambda.
#include "engine/sim/engine.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/recorder.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

using namespace zorgsim;

namespace {

constexpr std::size_t clinic = 1; // the provider under test

// Exact stationary law of Q' = max(Q + A - c, 0), A ~ Poisson(lambda), on states 0..n (the mass
// that would go above n stays at n), solved with the GTH algorithm (Grassmann, Taksar & Heyman
// 1985): state elimination without subtractions, so every probability is accurate to rounding
// even deep in the tail. The transition matrix is banded (a step goes down by at most c and up by
// at most the largest arrival count kept, minus c), and elimination from the top state down keeps
// that band, so the cost is n x c x (band above) rather than n^3.
struct stationary_queue {
    std::vector<double> pi;
    double mean = 0;
    double tail = 0; // mass in the upper half of the truncated state space
};

stationary_queue solve_queue(double lambda, int c, int n) {
    // Poisson pmf up to where it falls below 1e-20 past the mode: the terms then fall faster
    // than geometrically, so the mass left out is below 1e-19.
    std::vector<double> a{std::exp(-lambda)};
    for (int k = 1; k <= 2 * lambda + 2 || a.back() > 1e-20; ++k)
        a.push_back(a.back() * lambda / k);
    const int kmax = static_cast<int>(a.size()) - 1;
    const int size = n + 1;
    std::vector<double> m(static_cast<std::size_t>(size) * size, 0.0);
    const auto at = [&](int i, int j) -> double& {
        return m[static_cast<std::size_t>(i) * size + static_cast<std::size_t>(j)];
    };
    for (int i = 0; i <= n; ++i)
        for (int k = 0; k <= kmax; ++k)
            at(i, std::clamp(i + k - c, 0, n)) += a[static_cast<std::size_t>(k)];
    const int up = std::max(kmax - c, 0); // the band: i - c <= j <= i + up
    for (int s = n; s > 0; --s) {
        double out = 0; // rate of leaving s to states below it
        for (int j = std::max(0, s - c); j < s; ++j)
            out += at(s, j);
        for (int i = std::max(0, s - up); i < s; ++i) {
            const double f = at(i, s) / out;
            if (f == 0)
                continue;
            for (int j = std::max(0, s - c); j < s; ++j)
                at(i, j) += f * at(s, j);
        }
    }
    stationary_queue q;
    q.pi.assign(static_cast<std::size_t>(size), 0.0);
    q.pi[0] = 1;
    double total = 1;
    for (int s = 1; s <= n; ++s) {
        double in = 0, out = 0;
        for (int i = std::max(0, s - up); i < s; ++i)
            in += q.pi[static_cast<std::size_t>(i)] * at(i, s);
        for (int j = std::max(0, s - c); j < s; ++j)
            out += at(s, j);
        q.pi[static_cast<std::size_t>(s)] = in / out;
        total += q.pi[static_cast<std::size_t>(s)];
    }
    for (int s = 0; s <= n; ++s) {
        auto& x = q.pi[static_cast<std::size_t>(s)];
        x /= total;
        q.mean += s * x;
        if (s > n / 2)
            q.tail += x;
    }
    return q;
}

// Doubles the state space until the upper half holds less than 1e-12 of the mass: the tail is
// geometric, so the truncation error of the mean is then far below 1e-12 relative.
stationary_queue exact_queue(double lambda, int c) {
    for (int n = 256;; n *= 2) {
        auto q = solve_queue(lambda, c, n);
        if (q.tail < 1e-12 || n >= 8192)
            return q;
    }
}

// One neighbourhood of `residents` persons aged 30, one outpatient clinic (provider 1) in its
// centre, one need routed per contact to that clinic. The clinic has c FTE of 10 minutes a week and
// a contact takes 10 minutes, so it serves exactly c contacts a week; the need's yearly rate makes
// the residents' weekly needs, a sum of independent Poisson draws, Poisson(lambda).
model_inputs queue_inputs(double lambda, int c, int years, std::uint32_t residents) {
    model_inputs in;
    auto& r = in.area;
    r.name = "queue";
    r.municipalities = {{"GM0001", "Queueton", residents}};
    r.wsv_names = {"WSV"};
    auto& nb = r.neighbourhoods;
    nb.code = {"WK000101"};
    nb.name = {"Centre"};
    nb.municipality = {0};
    nb.wsv = {0};
    nb.lon_deg = {4.9};
    nb.lat_deg = {52.3};
    nb.vulnerable_share = {0};
    persons_by_age_sex persons{};
    persons[30][0] = residents;
    nb.persons = {persons};

    // Every resident must be able to list with a practice; the practice's pools see no demand.
    auto& p = in.providers;
    p.code = {"P1", "POLI"};
    p.name = {"Practice", "Clinic"};
    p.type = {provider_type::gp_practice, provider_type::hospital_outpatient};
    p.municipality_code = {"GM0001", "GM0001"};
    p.municipality = {0, 0};
    p.wsv = {0, 0};
    p.lon_deg = {4.9, 4.9};
    p.lat_deg = {52.3, 52.3};
    p.gp_fte = {1, 0};
    p.poh_s_fte = {0, 0};
    p.poh_ggz_fte = {0, 0};
    p.staff_fte = {0, static_cast<double>(c)};
    p.list_capacity = {residents, 0};
    p.referral_weight = {0, 1};

    in.time = horizon{{2025, 1, 1}, years, 7};
    auto& care = in.care;
    std::array<double, age_band_count> rate{};
    rate[age_band_of(30)] = lambda / residents / in.time.step_years();
    care.needs = {{"queue", std::nullopt, rate, routing_rule::per_contact}};
    care.pathways = {
        {pathway_step{setting::hospital_outpatient, 1.0, 10.0, 100.0, 100000, escalate_to_unmet}}};
    care.minutes_per_fte_per_week.fill(10);
    in.demography.enabled = false;
    in.population_seed = 11;
    return in;
}

// Keeps running sums of one provider's queue after a warm-up, in batches for a standard error,
// and checks every step against the recursion: Q_t = max(Q_{t-1} + A_t - c, 0) with exactly
// min(Q_{t-1} + A_t, c) contacts served.
class queue_tally final : public recorder {
public:
    queue_tally(std::uint32_t c, std::size_t warmup, std::size_t batch_steps)
        : c_(c), warmup_(warmup), batch_steps_(batch_steps) {}

    void begin_point(const run_point&) override { previous_ = 0; }
    void record(const step_view& v) override {
        const std::uint64_t q = v.backlog[clinic], arrivals = v.provider_arrivals[clinic];
        const std::uint64_t served = v.provider_contacts[clinic];
        const std::uint64_t offered = previous_ + arrivals;
        const std::uint64_t expected_q = offered > c_ ? offered - c_ : 0;
        if (q != expected_q || served != std::min<std::uint64_t>(offered, c_) ||
            v.provider_left_unserved[clinic] != 0) {
            if (recursion_errors++ == 0)
                first_error_step = v.step;
        }
        previous_ = q;
        // The one neighbourhood's outpatient cell: weeks waited by the contacts served.
        const auto cell = static_cast<std::size_t>(setting::hospital_outpatient);
        if (v.step < warmup_)
            return;
        ++steps;
        backlog_sum += q;
        arrivals_sum += arrivals;
        arrivals_sq_sum += arrivals * arrivals;
        contacts_sum += v.contacts[cell];
        wait_sum += v.wait_weeks_sum[cell];
        batch_backlog_ += q;
        if (++batch_fill_ == batch_steps_) {
            batch_means.push_back(static_cast<double>(batch_backlog_) /
                                  static_cast<double>(batch_steps_));
            batch_backlog_ = 0;
            batch_fill_ = 0;
        }
    }

    double mean_backlog() const {
        return static_cast<double>(backlog_sum) / static_cast<double>(steps);
    }
    double mean_wait() const {
        return static_cast<double>(wait_sum) / static_cast<double>(contacts_sum);
    }
    double mean_arrivals() const {
        return static_cast<double>(arrivals_sum) / static_cast<double>(steps);
    }
    double var_arrivals() const {
        const double m = mean_arrivals();
        return static_cast<double>(arrivals_sq_sum) / static_cast<double>(steps) - m * m;
    }
    // Standard error of the mean backlog from the batch means (batches much longer than the
    // autocorrelation time are nearly independent).
    double backlog_se() const {
        const double k = static_cast<double>(batch_means.size());
        const double m = std::accumulate(batch_means.begin(), batch_means.end(), 0.0) / k;
        double ss = 0;
        for (double b : batch_means)
            ss += (b - m) * (b - m);
        return std::sqrt(ss / (k - 1) / k);
    }

    std::uint64_t steps = 0, backlog_sum = 0, arrivals_sum = 0, arrivals_sq_sum = 0,
                  contacts_sum = 0, wait_sum = 0, recursion_errors = 0;
    std::size_t first_error_step = 0;
    std::vector<double> batch_means;

private:
    std::uint64_t c_;
    std::size_t warmup_, batch_steps_;
    std::uint64_t previous_ = 0, batch_backlog_ = 0, batch_fill_ = 0;
};

} // namespace

TEST_CASE("the exact queue solver reproduces the closed form for one contact a week",
          "[queueing][analytic]") {
    // With c = 1 the queue is the discrete-time M/D/1 queue; the generating-function solution
    // gives E[Q] = lambda^2 / (2 (1 - lambda)) for Poisson arrivals.
    for (double lambda : {0.5, 0.7, 0.9, 0.97}) {
        const auto q = exact_queue(lambda, 1);
        INFO("lambda " << lambda);
        CHECK(q.tail < 1e-12);
        CHECK(q.mean == Approx(lambda * lambda / (2 * (1 - lambda))).epsilon(1e-10));
    }
    // With c >= 2 a large truncation gives the same answer as the adaptive one.
    const auto q = exact_queue(48.5, 50);
    CHECK(q.mean == Approx(solve_queue(48.5, 50, 4096).mean).epsilon(1e-12));
}

TEST_CASE("one provider's backlog and wait match the exact stationary queue",
          "[queueing][analytic][slow]") {
    // Run lengths. The standard error of a time average of Q over T weeks is sqrt(s2 / T), with
    // s2 = Var(Q) tau_int the asymptotic variance and tau_int = 1 + 2 sum_k corr(Q_0, Q_k) the
    // integrated autocorrelation time. From the exact chain (autocovariances of Q with P^k Q,
    // summed until they vanish), for these (lambda, c):
    //   rho 0.70, c = 5:   E[Q] = 0.474, Var(Q) = 1.32, s2 = 5.66,   tau_int = 4.3 weeks
    //   rho 0.90, c = 20:  E[Q] = 2.60,  Var(Q) = 19.2, s2 = 195,    tau_int = 10 weeks
    //   rho 0.97, c = 50:  E[Q] = 12.6,  Var(Q) = 260,  s2 = 11600,  tau_int = 45 weeks
    // A 1% standard error needs T = s2 / (0.01 E[Q])^2 = 2.5e5, 2.9e5 and 7.3e5 weeks. We run
    // 1.5 times that (7500, 8500 and 21000 years of weekly steps), for a standard error near
    // 0.8%: the 3% tolerance is then over 3.5 standard errors, and the test checks its own
    // batch-means standard error stays below 1%. Near saturation the relaxation time grows as
    // rho / (c (1 - rho)^2) weeks, so at rho = 0.97 a larger c shortens the run (more arrivals a
    // week but fewer weeks; c = 1 would need 2.4e7 weeks), while at rho = 0.7 a small c keeps
    // the queue from being so rare that its mean needs more weeks. Four residents draw all the
    // demand (a sum of Poisson draws is Poisson), as each resident costs a random draw a week.
    // Warm-up: 10 years, over 10 times tau_int even at 0.97, from an empty queue whose transient
    // then biases the mean by about E[Q] tau_int / T, under 0.1%.
    struct load {
        double rho;
        int c;
        int years;
    };
    for (const auto& [rho, c, years] :
         {load{0.7, 5, 7500}, load{0.9, 20, 8500}, load{0.97, 50, 21000}}) {
        const double lambda = rho * c;
        const auto exact = exact_queue(lambda, c);
        REQUIRE(exact.tail < 1e-12);
        const double exact_wait = exact.mean / lambda;

        const model m(queue_inputs(lambda, c, years, 4));
        const auto server = m.server_of(clinic, setting::hospital_outpatient);
        REQUIRE(server != no_server);
        REQUIRE(m.servers()[server].capacity_min_per_week == Approx(10.0 * c));
        REQUIRE(m.registration().unregistered == 0);
        run_plan plan;
        plan.seed = 2024;
        const std::size_t warmup = 10 * m.time().steps_per_year();
        const std::size_t batches = 50;
        queue_tally tally(static_cast<std::uint32_t>(c), warmup,
                          (m.time().step_count() - warmup) / batches);
        run(m, plan, tally, run_options{1});

        const double backlog = tally.mean_backlog(), wait = tally.mean_wait();
        INFO("rho " << rho << ", c " << c << ", lambda " << lambda << ", " << tally.steps
                    << " weeks after warm-up");
        INFO("mean backlog: simulated " << backlog << " +- " << tally.backlog_se()
                                        << " (SE), exact " << exact.mean << ", ratio "
                                        << backlog / exact.mean);
        INFO("mean wait (weeks): simulated " << wait << ", exact " << exact_wait << ", ratio "
                                             << wait / exact_wait);
        INFO("weekly arrivals: mean " << tally.mean_arrivals() << ", variance "
                                      << tally.var_arrivals() << " (Poisson: both " << lambda
                                      << ")");
        // The engine's order of operations is the Lindley recursion, at every single step.
        {
            INFO("first step off the recursion: " << tally.first_error_step);
            CHECK(tally.recursion_errors == 0);
        }
        // Demand is Poisson(lambda): mean and variance within 5 standard errors (the variance of
        // a sample variance of Poisson counts is about (2 lambda^2 + lambda) / T).
        const double t = static_cast<double>(tally.steps);
        CHECK(tally.mean_arrivals() == Approx(lambda).margin(5 * std::sqrt(lambda / t)));
        CHECK(tally.var_arrivals() ==
              Approx(lambda).margin(5 * std::sqrt((2 * lambda * lambda + lambda) / t)));
        // The run is long enough for the tolerance: its own standard error is well below 3%.
        CHECK(tally.backlog_se() < 0.01 * exact.mean);
        CHECK(backlog == Approx(exact.mean).epsilon(0.03));
        CHECK(wait == Approx(exact_wait).epsilon(0.03));
    }
}
