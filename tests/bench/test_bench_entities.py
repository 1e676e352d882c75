from tests.bench.bench_entities import is_table


def test_results_and_market_data_are_tables_and_reports_are_prose() -> None:
    results = (
        "SOCCER - ENGLISH LEAGUE RESULTS .\nLONDON 1996-08-31\nDivision one\nBradford 1 Tranmere 0\nGrimsby 0 Ports 2"
    )
    prose = (
        "Canadian bonds open softer .\nTORONTO 1996-08-30\nCanadian bonds opened softer on Friday , pulled lower"
        " by a sinking U.S. market .\nTraders said the market would stay quiet before the long weekend ."
    )
    assert is_table(results) and not is_table(prose)


def test_a_surname_beside_a_full_name_it_ends_is_one_person_split() -> None:
    from tests.bench.bench_top_entities import split_people

    names = ["Donald Trump", "Biden", "Joe Biden", "Erdogan", "Recep Tayyip Erdoğan", "Harris", "Kamala Harrison"]
    assert split_people(names) == [("Biden", "Joe Biden"), ("Erdogan", "Recep Tayyip Erdoğan")]
