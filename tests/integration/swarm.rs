//! Swarm runs: many small random but valid clusters, each run briefly. `simulate` asserts
//! conservation and time order itself; here every run must also finish without a panic and
//! keep its counters consistent. The parameters come from a fixed-seed generator, so a failure
//! names the case that reproduces it.

use nssim::model::simulate;
use nssim::scenario::parse_str;

use crate::Gen;

/// One random scenario: a stack, listeners, 1-3 PATHMONs in a domain (or one PATHMON), a
/// server class in each with random TS/MP attributes, and an open or closed workload.
fn case(g: &mut Gen, n: u64) -> String {
    let processors = g.int(2, 6);
    let stack = g.pick(&["conventional", "parallel"]);
    let model = g.pick(&["distributor", "distributor", "parallel"]);
    let lcpus: Vec<u64> = (0..g.int(1, processors)).collect();
    let mut t = format!(
        "name = \"swarm-{n}\"\n[run]\nseed = {n}\nduration = \"{}ms\"\nwarmup = \"100ms\"\n\
         drain = \"{}ms\"\nsample_interval = \"100ms\"\n[system]\nprocessors = {processors}\n\
         cores = {}\n[tcpip]\nstack = \"{stack}\"\nbacklog = {}\nsyn_retry = \"{}ms\"\n",
        g.int(300, 1500),
        g.int(0, 2000),
        g.int(1, 2),
        g.int(1, 5),
        g.int(10, 200),
    );
    let list = |v: &[u64]| {
        format!(
            "[{}]",
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        )
    };
    if stack == "conventional" {
        for &c in &lcpus {
            t += &format!("[[tcpip.process]]\nname = \"$ZTC{c}\"\nprocessor = {c}\n");
        }
    }
    t += &format!(
        "[[listener]]\nname = \"$L\"\nmodel = \"{model}\"\nprocessors = {}\n",
        list(&lcpus)
    );
    if stack == "conventional" {
        let names: Vec<String> = lcpus.iter().map(|c| format!("\"$ZTC{c}\"")).collect();
        t += &format!("tcpip = [{}]\n", names.join(", "));
    }
    let pathmons = g.int(1, 3);
    for p in 0..pathmons {
        t += &format!(
            "[[pathmon]]\nname = \"$PM{p}\"\nprocessor = {}\ngrant_cpu = \"{}us\"\nprocess_creation = \"{}ms\"\n",
            g.int(0, processors - 1),
            g.int(0, 300),
            g.int(0, 50)
        );
    }
    let domain = pathmons > 1 || g.int(0, 1) == 1;
    if domain {
        let mut left = 100;
        let members: Vec<String> = (0..pathmons)
            .map(|p| {
                let w = if p + 1 == pathmons {
                    left
                } else {
                    g.int(0, left)
                };
                left -= w;
                format!("\"$PM{p}:{w}\"")
            })
            .collect();
        t += &format!(
            "[[domain]]\nname = \"%D\"\npathmons = [{}]\n",
            members.join(", ")
        );
    }
    let service = g.int(10, 400);
    let io = g.int(0, 5000);
    for p in 0..pathmons {
        let maxservers = g.int(if model == "distributor" { 1 } else { 0 }, 4);
        let numstatic = g.int(0, maxservers);
        let maxlinks = g.int(1, 3);
        let linkdepth = g.int(1, maxlinks);
        let maxlinks = if g.int(0, 3) == 0 {
            String::new()
        } else {
            format!("maxlinks = {maxlinks}\n")
        };
        let timeout = if g.int(0, 3) == 0 {
            format!("timeout = \"{}ms\"\n", g.int(1, 20))
        } else {
            String::new()
        };
        let cpus: Vec<u64> = (0..g.int(1, processors))
            .map(|_| g.int(0, processors - 1))
            .collect();
        t += &format!(
            "[[server_class]]\nname = \"S\"\npathmon = \"$PM{p}\"\nmaxservers = {maxservers}\n\
             numstatic = {numstatic}\n{maxlinks}linkdepth = {linkdepth}\ncreatedelay = \"{}ms\"\n\
             deletedelay = \"{}ms\"\n{timeout}cpus = {}\n\
             service = {{ dist = \"exponential\", mean = \"{service}us\" }}\n\
             io = {{ dist = \"exponential\", mean = \"{io}us\" }}\n",
            g.int(0, 100),
            g.int(0, 500),
            list(&cpus),
        );
    }
    let send_to = if domain { "%D" } else { "$PM0" };
    t += &format!(
        "[workload]\nsend_to = \"{send_to}\"\nrequests_per_connection = {}\nmix = {{ S = 1 }}\n",
        g.int(1, 5)
    );
    if g.int(0, 1) == 0 {
        t += &format!("kind = \"open\"\nrate = \"{}/s\"\n", g.int(50, 8000));
    } else {
        t += &format!(
            "kind = \"closed\"\nclients = {}\nthink = {{ dist = \"exponential\", mean = \"{}ms\" }}\n",
            g.int(1, 40),
            g.int(1, 100)
        );
    }
    // Drawn last, so the cases before it keep their shape.
    if g.int(0, 2) == 0 {
        t += &format!(
            "abandon_after = {{ dist = \"exponential\", mean = \"{}ms\" }}\n",
            g.int(1, 50)
        );
    }
    t
}

#[test]
fn random_small_clusters_run_to_the_end_with_requests_conserved() {
    let mut g = Gen(2026);
    for n in 0..300 {
        let text = case(&mut g, n);
        let s = parse_str(&text, &format!("swarm-{n}"), &[])
            .unwrap_or_else(|e| panic!("case {n} is not valid:\n{e}\n{text}"));
        let r = std::panic::catch_unwind(|| simulate(&s))
            .unwrap_or_else(|_| panic!("case {n} panicked; scenario:\n{text}"));
        let q = &r.requests;
        assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "case {n}");
        // Every failure the client was told of is one Pathsend error; an abandoned request
        // may meet one more after its client has gone, counted as an error only.
        let e = &r.pathsend_errors;
        assert!(q.pathsend_failed <= e.total(), "case {n}");
        assert!(e.total() <= q.pathsend_failed + q.abandoned, "case {n}");
        assert_eq!(
            q.failed,
            q.refused + q.pathsend_failed + q.abandoned,
            "case {n}"
        );
        assert!(
            r.processors.iter().all(|p| p.busy_ratio <= 1.0 + 1e-9),
            "case {n}"
        );
        for c in &r.server_classes {
            assert!(
                c.links_held_max as f64 >= c.links_held_mean - 1e-9,
                "case {n}"
            );
            assert!(c.servers_dynamic_max <= u64::from(c.servers), "case {n}");
        }
    }
}

/// One random Pathway/XM configuration: nodes with CPU weights (some 0), templates, terminal
/// groups with weights, replicated classes with random TS/MP attributes.
fn xm_case(g: &mut Gen, n: u64) -> String {
    let processors = g.int(2, 8);
    // A node: a random subset of processors with random weights (0 allowed), and always one
    // processor of weight 10 so that something can be placed.
    let node = |g: &mut Gen, name: &str| {
        let anchor = g.int(0, processors - 1);
        let mut cpus = vec![format!("\"{anchor}:10\"")];
        for c in (0..processors).filter(|&c| c != anchor) {
            if g.int(0, 2) > 0 {
                cpus.push(format!("\"{c}:{}\"", g.int(0, 50)));
            }
        }
        format!(
            "[[pathway_xm.node]]\nname = \"{name}\"\ncpus = [{}]\n",
            cpus.join(", ")
        )
    };
    let mut t = format!(
        "name = \"xm-swarm-{n}\"\n[run]\nseed = {n}\nduration = \"{}ms\"\nwarmup = \"100ms\"\n\
         sample_interval = \"100ms\"\n[system]\nprocessors = {processors}\n\
         [pathway_xm]\nserver_node = \"SRV\"\nmix = {{ A = 1, B = {} }}\n",
        g.int(500, 3000),
        g.int(1, 3)
    );
    t += &node(g, "CLI");
    t += &node(g, "SRV");
    t += &format!(
        "[pathway_xm.pathmon]\nnode = \"CLI\"\nmaxtcps = {}\n",
        g.int(1, 4)
    );
    let templates = g.int(1, 2);
    for k in 0..templates {
        t += &format!(
            "[[pathway_xm.tcp_template]]\nname = \"T{k}\"\nnode = \"CLI\"\nmaxterms = {}\n\
             maxserverprocesses = {}\n",
            g.int(1, 10),
            g.int(1, 20)
        );
    }
    for k in 0..g.int(1, 4) {
        t += &format!(
            "[[pathway_xm.term]]\nname = \"G{k}\"\ncount = {}\ntemplate = \"T{}\"\nweight = {}\n\
             think = {{ dist = \"exponential\", mean = \"{}ms\" }}\n",
            g.int(1, 30),
            g.int(0, templates - 1),
            g.int(1, 100),
            g.int(1, 200)
        );
    }
    for class in ["A", "B"] {
        let maxservers = g.int(1, 4);
        t += &format!(
            "[[pathway_xm.server_class]]\nname = \"{class}\"\nmaxservers = {maxservers}\n\
             numstatic = {}\nmaxlinks = {}\ncreatedelay = \"{}ms\"\ndeletedelay = \"{}ms\"\n\
             service = {{ dist = \"exponential\", mean = \"{}us\" }}\n",
            g.int(0, maxservers),
            g.int(1, 3),
            g.int(0, 50),
            g.int(0, 300),
            g.int(10, 2000)
        );
    }
    t
}

#[test]
fn random_pathway_xm_configurations_run_and_every_terminal_has_a_tcp() {
    let mut g = Gen(7);
    for n in 0..150 {
        let text = xm_case(&mut g, n);
        let s = parse_str(&text, &format!("xm-swarm-{n}"), &[])
            .unwrap_or_else(|e| panic!("case {n} is not valid:\n{e}\n{text}"));
        let r = std::panic::catch_unwind(|| simulate(&s))
            .unwrap_or_else(|_| panic!("case {n} panicked; scenario:\n{text}"));
        let q = &r.requests;
        assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "case {n}");
        let xm = r.pathway_xm.as_ref().expect("an XM run reports its plan");
        let placed: usize = xm.tcps.iter().map(|t| t.terms.len()).sum();
        assert_eq!(
            placed,
            s.pathway_xm.as_ref().unwrap().terms.len(),
            "case {n}"
        );
        assert_eq!(
            xm.tcps.iter().map(|t| t.requests).sum::<u64>(),
            q.offered,
            "case {n}"
        );
    }
}
