"""The tree of docs/profile-generation.md, step by step, on small hand-built record sets."""

from generation.tree import CHANCE, RISK

from .helpers import group, leaves, params, tree_of


def test_a_uniform_branch_folds_up_to_min_depth_and_no_further():
    # One group all the way down, all chance: step 5b folds depth 7 … 4 into depth 3;
    # depth 2 is above min_depth and keeps its child.
    result = tree_of(group(20), params())
    assert leaves(result) == {("SRPBM", "tourism", "25-34"): CHANCE}
    assert result.n_records == 20


def test_inbetween_leaves_are_removed_and_what_remains_above_min_depth_goes():
    # Hit rate 0.2: above chance (0.1), below risk (0.3): in between at every level.
    result = tree_of(group(20, hits=4), params())
    assert leaves(result) == {}


def test_children_with_different_labels_stay_as_deeper_profiles():
    records = group(10, nat="SUR") + group(10, nat="NGA", hits=5)
    result = tree_of(records, params())
    # The depth-3 node (hit rate 0.25) is in between; its two children differ.
    assert leaves(result) == {("SRPBM", "tourism", "25-34", "SUR"): CHANCE, ("SRPBM", "tourism", "25-34", "NGA"): RISK}


def test_a_node_folds_only_when_all_children_carry_its_own_label():
    # Both children chance and the node chance: fold into the node at depth 3.
    records = group(10, nat="SUR") + group(10, nat="CHN")
    assert leaves(tree_of(records, params())) == {("SRPBM", "tourism", "25-34"): CHANCE}


def test_inbetween_sibling_removed_then_the_parent_folds():
    # CHN is in between (0.2) and removed by 5a; then SUR (chance) is the only child of a
    # chance node (2/30 hits ≈ 0.067) and folds by 5b in a later pass.
    records = group(20, nat="SUR") + group(10, nat="CHN", hits=2)
    assert leaves(tree_of(records, params())) == {("SRPBM", "tourism", "25-34"): CHANCE}


def test_a_small_group_is_cut_with_everything_below_it():
    # The NGA group of 9 is below the minimum of 10: cut, with all of its subtree, even
    # though it would be a clear risk group.
    records = group(10, nat="SUR", hits=5) + group(9, nat="NGA", hits=9)
    result = tree_of(records, params())
    assert all("NGA" not in node.path for node in result.kept.values())
    assert leaves(result) == {("SRPBM", "tourism", "25-34"): RISK}


def test_a_cut_parent_takes_its_children_along():
    # The age group 18-24 has 12 records in two occupations of 6: each child is below the
    # minimum, and so is nothing else; but with min 13 the parent itself is cut.
    records = group(6, age="18-24", occupation="student") + group(6, age="18-24", occupation="elementary")
    assert leaves(tree_of(records, params(min_group_size=13))) == {}
    assert leaves(tree_of(records, params(min_group_size=6))) == {("SRPBM", "tourism", "18-24"): CHANCE}


def test_ties_at_the_thresholds_count_as_reached():
    # 1/10 = chance_max_hit_rate and 2/10 = chance_max_refusal_rate exactly: chance.
    assert leaves(tree_of(group(10, hits=1, refused=2), params())) == {("SRPBM", "tourism", "25-34"): CHANCE}
    # one refusal more: no longer chance; 0.1 < risk 0.3: in between, removed.
    assert leaves(tree_of(group(10, hits=1, refused=3), params())) == {}
    # 3/10 = risk_min_hit_rate exactly: risk.
    assert leaves(tree_of(group(10, hits=3), params())) == {("SRPBM", "tourism", "25-34"): RISK}
    # A threshold that is not a binary fraction (0.07) compares exactly: 7/100 is chance.
    p = params(chance_max_hit_rate=0.07, min_group_size=100)
    assert leaves(tree_of(group(100, hits=7), p)) == {("SRPBM", "tourism", "25-34"): CHANCE}
    assert leaves(tree_of(group(100, hits=8), p)) == {}


def test_depth_filter_removes_leaves_above_min_depth():
    # min_depth 5: the uniform branch folds to depth 5, never above.
    assert leaves(tree_of(group(20), params(min_depth=5))) == {("SRPBM", "tourism", "25-34", "SUR", "M"): CHANCE}
    # Two chance groups that split at depth 2: each folds to depth 3 (min_depth), and the
    # depth-2 node stays (it is above min_depth).
    records = group(10, purpose="tourism") + group(10, purpose="business")
    assert leaves(tree_of(records, params())) == {
        ("SRPBM", "tourism", "25-34"): CHANCE,
        ("SRPBM", "business", "25-34"): CHANCE,
    }


def test_records_outside_the_window_and_undecided_ones_are_not_read():
    records = group(20) + group(50, lodged="2019-01-01", hits=50) + group(50, decision="pending", hits=50)
    result = tree_of(records, params())
    assert result.n_records == 20
    assert leaves(result) == {("SRPBM", "tourism", "25-34"): CHANCE}


def test_an_empty_window_gives_an_empty_tree():
    result = tree_of([], params())
    assert result.leaves == [] and result.kept == {}
