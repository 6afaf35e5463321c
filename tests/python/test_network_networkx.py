#!/usr/bin/python3
"""The provider network read back by real clients: `zorgsim network` writes GraphML that Debian's
python3-networkx reads as is, with typed attributes; networkx's Dijkstra and betweenness agree with
what zorgsim printed and wrote; a GraphML round-trip through networkx keeps the graph; and a
`zorgsim run` results file holds the same access times under network/ (h5py).

Usage: test_network_networkx.py ZORGSIM SCENARIO WORKDIR
"""
import math
import os
import re
import subprocess
import sys

import h5py
import networkx as nx
import numpy as np

PROVIDER_TYPES = ["gp_practice", "pharmacy", "physiotherapy", "district_nursing", "welfare",
                  "out_of_hours_gp", "hospital_outpatient", "emergency_department",
                  "hospital_admission", "mental_health_specialist", "nursing_home"]


def main(zorgsim, scenario, work):
    os.makedirs(work, exist_ok=True)
    graphml = os.path.join(work, "network.graphml")
    if os.path.exists(graphml):
        os.remove(graphml)
    printed = subprocess.run([zorgsim, "network", scenario, "-o", graphml], check=True,
                             capture_output=True, text=True).stdout
    print(printed)

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    check(os.path.exists(graphml) and not os.path.exists(graphml + ".partial"),
          "the GraphML file is complete, no partial file left")
    g = nx.read_graphml(graphml)
    check(isinstance(g, nx.DiGraph), "read as a directed graph")

    # Counts as printed.
    m = re.search(r"graph: (\d+) neighbourhoods, (\d+) providers; edges: (\d+) travel, "
                  r"(\d+) referral, (\d+) collaboration", printed)
    check(m is not None, "the summary states the graph's size")
    n_nb, n_prov, n_travel, n_ref, n_collab = (int(x) for x in m.groups())
    kinds = {}
    for _, _, d in g.edges(data=True):
        kinds[d["edge_kind"]] = kinds.get(d["edge_kind"], 0) + 1
    check(g.number_of_nodes() == n_nb + n_prov, f"{n_nb} + {n_prov} nodes")
    check(kinds == {"travel": n_travel, "referral": n_ref, "collaboration": n_collab},
          f"edges per kind as printed ({kinds})")

    # Attribute types.
    nbs = [v for v, d in g.nodes(data=True) if d["kind"] == "neighbourhood"]
    providers = [v for v, d in g.nodes(data=True) if d["kind"] != "neighbourhood"]
    check(len(nbs) == n_nb, "neighbourhood nodes have kind 'neighbourhood'")
    check(all(g.nodes[v]["kind"] in PROVIDER_TYPES for v in providers),
          "provider nodes have a provider type as kind")
    check(all(isinstance(g.nodes[v]["name"], str) and isinstance(g.nodes[v]["code"], str)
              and isinstance(g.nodes[v]["lon"], float) for v in g.nodes),
          "name and code are strings, lon a float, on every node")
    practices = [v for v in providers if g.nodes[v]["kind"] == "gp_practice"]
    check(all(isinstance(g.nodes[v]["places"], int) and isinstance(g.nodes[v]["listed"], int)
              and g.nodes[v]["listed"] <= g.nodes[v]["places"] for v in practices),
          "practices: places and listed are integers, listed <= places")
    travel_ok = all(isinstance(d["travel_min"], float) and "share" not in d
                    for _, _, d in g.edges(data=True) if d["edge_kind"] == "travel")
    share_ok = all(isinstance(d["share"], float) and 0 < d["share"] <= 1
                   for _, _, d in g.edges(data=True) if d["edge_kind"] == "referral")
    check(travel_ok, "travel edges carry travel_min (float) only")
    check(share_ok, "referral edges carry share (float) in (0, 1]")
    sums = {}
    for u, v, d in g.edges(data=True):
        if d["edge_kind"] == "referral":
            key = (u, g.nodes[v]["kind"])
            sums[key] = sums.get(key, 0.0) + d["share"]
    check(all(abs(s - 1) < 1e-9 for s in sums.values()),
          "referral shares sum to 1 per practice and second-line type")

    # Dijkstra over travel edges from every neighbourhood equals the access_min zorgsim wrote.
    travel = nx.DiGraph()
    travel.add_nodes_from(g.nodes)
    travel.add_edges_from((u, v, d) for u, v, d in g.edges(data=True)
                          if d["edge_kind"] == "travel")
    worst = 0.0
    per_type = {t: [] for t in PROVIDER_TYPES}
    for nb in nbs:
        dist = nx.single_source_dijkstra_path_length(travel, nb, weight="travel_min")
        for t in PROVIDER_TYPES:
            reach = [x for v, x in dist.items() if g.nodes[v]["kind"] == t]
            key = "access_min_" + t
            if not reach:
                check(key not in g.nodes[nb], f"{nb}: no {t} reachable and none written")
                continue
            per_type[t].append(min(reach))
            worst = max(worst, abs(min(reach) - g.nodes[nb][key]))
    check(worst < 1e-9, f"networkx Dijkstra equals zorgsim's access_min (max diff {worst:.2e})")
    for t, values in per_type.items():
        row = re.search(r"^\s+" + t + r"\s+(\S+)\s+(\S+)$", printed, re.M)
        if not values:
            check(row is not None and row.group(1) == "none", f"{t}: printed as none")
            continue
        expected = (f"{float(np.median(values)):.1f}", f"{max(values):.1f}")
        check(row is not None and row.groups() == expected,
              f"{t}: printed median/max {row.groups() if row else None} = networkx {expected}")

    # Betweenness on the undirected referral network: practices and second-line providers.
    r = nx.Graph()
    r.add_nodes_from(v for v in providers
                     if g.nodes[v]["kind"] == "gp_practice" or g.nodes[v]["line"] == "second")
    r.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["edge_kind"] == "referral")
    bc = nx.betweenness_centrality(r)  # defaults: normalized=True, unweighted
    diff = max(abs(bc[v] - g.nodes[v]["betweenness"]) for v in r.nodes)
    check(diff < 1e-9, f"betweenness equals networkx's within 1e-9 (max diff {diff:.2e})")
    check(any(x > 0 for x in bc.values()), "some provider has positive betweenness")
    check(all(r.degree[v] == g.nodes[v]["referral_partners"] for v in r.nodes),
          "referral_partners equals the degree in the referral network")
    dc = nx.degree_centrality(r)
    check(max(abs(dc[v] - g.nodes[v]["degree_centrality"]) for v in r.nodes) < 1e-12,
          "degree centrality equals networkx's")

    # Round trip: networkx writes it back out and reads the same graph.
    again = os.path.join(work, "network-roundtrip.graphml")
    nx.write_graphml(g, again)
    h = nx.read_graphml(again)
    check(h.number_of_nodes() == g.number_of_nodes() and
          h.number_of_edges() == g.number_of_edges(), "round trip keeps node and edge counts")
    check(dict(h.nodes(data=True)) == dict(g.nodes(data=True)),
          "round trip keeps every node attribute")

    # The results file holds the same access times under network/, with root dimension scales.
    toml = os.path.join(work, "one-year.toml")
    with open(toml, "w") as f:
        f.write(open(scenario).read().replace("years = 10", "years = 1"))
    h5 = os.path.join(work, "one-year.h5")
    subprocess.run([zorgsim, "run", toml, "--force", "-o", h5, "-q"], check=True)
    with h5py.File(h5, "r") as f:
        access = f["network/access_min"]
        dims = tuple(access.dims[i][0].name for i in range(access.ndim))
        check(dims == ("/neighbourhood", "/provider_type"),
              f"network/access_min has root dimensions {dims}")
        types = [t.decode() if isinstance(t, bytes) else t for t in f["provider_type"][:]]
        check(types == PROVIDER_TYPES, "provider_type holds the 11 types")
        codes = [c.decode() if isinstance(c, bytes) else c for c in f["neighbourhood_code"][:]]
        a = access[...]
        code_to_node = {g.nodes[v]["code"]: v for v in nbs}
        diff = 0.0
        for i, code in enumerate(codes):
            for j, t in enumerate(types):
                key = "access_min_" + t
                node = g.nodes[code_to_node[code]]
                if key in node:
                    diff = max(diff, abs(a[i, j] - node[key]))
                elif not math.isinf(a[i, j]):
                    diff = math.inf
        check(diff < 1e-9, f"network/access_min equals the GraphML access times ({diff:.2e})")
        pcodes = [c.decode() if isinstance(c, bytes) else c for c in f["provider_code"][:]]
        node_of = {g.nodes[v]["code"]: v for v in providers}
        bdiff = max(abs(f["network/betweenness"][k] - bc.get(node_of[c], 0.0))
                    for k, c in enumerate(pcodes))
        check(bdiff < 1e-9, f"network/betweenness equals networkx's ({bdiff:.2e})")
        registered = re.search(r"registration: (\d+) of (\d+) residents listed", printed)
        check(int(f["network/listed"][...].sum()) == int(registered.group(1)),
              "network/listed sums to the registered residents printed")
    try:
        import xarray as xr
        with xr.open_dataset(h5, group="network") as ds:
            check(ds["access_min"].dims == ("neighbourhood", "provider_type"),
                  "xarray opens network/ with named dimensions")
    except ImportError:
        print("skip xarray check: python3-xarray not installed")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
