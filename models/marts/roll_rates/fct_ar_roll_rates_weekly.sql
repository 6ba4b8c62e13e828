{#- Roll rates, "migration entre tranches" (DEFINITIONS §13,
    docs/definitions/13-roll-rates.md): from one weekly snapshot p to the
    next s, where the open debit amount of each age bucket went — to an older
    bucket, to the same one, or paid (`settled`) — and what arrived from new
    invoices (`new`). The as-of date's extra snapshot only counts when it is
    itself a weekly snapshot date.

    Computed from the item state runs, without expanding items to weeks. The
    snapshots of the spine other than the weekly ones can only be the as-of
    date, the last one, so consecutive weekly snapshots are consecutive on
    the spine, and a debit item's state changes between p and s exactly when
    one of its runs ends at s (it left its state of p) and/or one starts at s
    (its state of s). Those few runs give every move; what did not move —
    items whose run covers both p and s — stays in its bucket, and per
    bucket it is the open amount at s less what started at s.

    Incremental like the weekly marts: a scheduled run recomputes the pairs
    whose s is on or after int_weekly__restatement's date, from the runs
    still open on the snapshot before (ar_runs_from_restated_snapshots). -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    meta={'restated_by': 'snapshots'},
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}
{%- set buckets = ar_age_buckets() %}
{%- set new_order = 0 %}
{%- set settled_order = (buckets | map(attribute='order') | max) + 1 %}

with

runs as (
    select * from ({{ ar_runs_from_restated_snapshots(lookback=1) }}) as restated_runs
    where item_side = 'debit'
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

age_buckets as (
    select * from {{ ref('dim_age_buckets') }}
),

weekly_snapshots as (
    select
        snapshot_date,
        snapshot_index,
        lag(snapshot_date) over (order by snapshot_date) as previous_snapshot_date,
        lag(snapshot_index) over (order by snapshot_date) as previous_snapshot_index
    from snapshots
    where is_weekly_date
),

-- (p, s): every weekly snapshot with the one before it (in a scheduled run,
-- those whose s is restated: the latest among them)
pairs as (
    select
        snapshot_date,
        snapshot_index,
        previous_snapshot_date,
        previous_snapshot_index,
        snapshot_date = max(snapshot_date) over () as is_latest
    from weekly_snapshots
    where
        previous_snapshot_index is not null
        and {{ ar_restated_snapshots_only('snapshot_date') }}
),

-- open debit amount (and item count) per company and bucket on each
-- snapshot: each run adds its amount on its first snapshot and takes it
-- off on its end snapshot; a running sum holds it in between
movements as (
    select
        company_code,
        age_bucket,
        entry_snapshot_index as snapshot_index,
        open_amount as amount_change,
        1 as item_count_change
    from runs
    union all
    select
        company_code,
        age_bucket,
        end_snapshot_index as snapshot_index,
        -open_amount as amount_change,
        -1 as item_count_change
    from runs
    where end_snapshot_index is not null
),

net_movements as (
    select
        company_code,
        age_bucket,
        snapshot_index,
        sum(amount_change) as amount_change,
        sum(item_count_change) as item_count_change
    from movements
    group by company_code, age_bucket, snapshot_index
),

bucket_levels as (
    select
        company_code,
        age_bucket,
        snapshot_index as from_snapshot_index,
        lead(snapshot_index) over (
            partition by company_code, age_bucket
            order by snapshot_index
        ) as until_snapshot_index,
        sum(amount_change) over (
            partition by company_code, age_bucket
            order by snapshot_index rows between unbounded preceding and current row
        ) as open_amount,
        sum(item_count_change) over (
            partition by company_code, age_bucket
            order by snapshot_index rows between unbounded preceding and current row
        ) as item_count
    from net_movements
),

-- the open debit amount of each bucket at p (the base of its roll rates)
-- and at s
bucket_open as (
    select
        pairs.snapshot_index,
        bucket_levels.company_code,
        bucket_levels.age_bucket,
        sum(
            case
                when
                    bucket_levels.from_snapshot_index <= pairs.previous_snapshot_index
                    and (
                        bucket_levels.until_snapshot_index is null
                        or bucket_levels.until_snapshot_index > pairs.previous_snapshot_index
                    )
                    then bucket_levels.open_amount
                else 0
            end
        ) as open_at_previous,
        sum(
            case
                when
                    bucket_levels.from_snapshot_index <= pairs.snapshot_index
                    and (
                        bucket_levels.until_snapshot_index is null
                        or bucket_levels.until_snapshot_index > pairs.snapshot_index
                    )
                    then bucket_levels.open_amount
                else 0
            end
        ) as open_at_snapshot,
        sum(
            case
                when
                    bucket_levels.from_snapshot_index <= pairs.snapshot_index
                    and (
                        bucket_levels.until_snapshot_index is null
                        or bucket_levels.until_snapshot_index > pairs.snapshot_index
                    )
                    then bucket_levels.item_count
                else 0
            end
        ) as items_at_snapshot
    from bucket_levels
    inner join pairs
        on
            bucket_levels.from_snapshot_index <= pairs.snapshot_index
            and (
                bucket_levels.until_snapshot_index is null
                or bucket_levels.until_snapshot_index > pairs.previous_snapshot_index
            )
    group by pairs.snapshot_index, bucket_levels.company_code, bucket_levels.age_bucket
),

-- the item's state of s, when it changed since p (or the item is new)
arrivals as (
    select
        pairs.snapshot_index,
        runs.company_code,
        runs.entry_id,
        runs.age_bucket,
        runs.open_amount
    from runs
    inner join pairs
        on runs.first_snapshot_index = pairs.snapshot_index
),

-- the item's state of p, when it does not hold at s any more
departures as (
    select
        pairs.snapshot_index,
        runs.company_code,
        runs.entry_id,
        runs.age_bucket,
        runs.open_amount
    from runs
    inner join pairs
        on
            runs.end_snapshot_index = pairs.snapshot_index
            and runs.first_snapshot_index <= pairs.previous_snapshot_index
),

-- items open at p whose state changed: what is still open at s goes to its
-- bucket of s, the rest (all of it when nothing is left) to `settled`
moves as (
    select
        departures.snapshot_index,
        departures.company_code,
        departures.age_bucket as from_bucket,
        arrivals.age_bucket as to_bucket,
        arrivals.open_amount as amount
    from departures
    inner join arrivals
        on
            departures.snapshot_index = arrivals.snapshot_index
            and departures.company_code = arrivals.company_code
            and departures.entry_id = arrivals.entry_id
    union all
    select
        departures.snapshot_index,
        departures.company_code,
        departures.age_bucket as from_bucket,
        'settled' as to_bucket,
        departures.open_amount - coalesce(arrivals.open_amount, 0) as amount
    from departures
    left join arrivals
        on
            departures.snapshot_index = arrivals.snapshot_index
            and departures.company_code = arrivals.company_code
            and departures.entry_id = arrivals.entry_id
    where departures.open_amount <> coalesce(arrivals.open_amount, 0)
    union all
    -- posted after p (no state at p) and open at s
    select
        arrivals.snapshot_index,
        arrivals.company_code,
        'new' as from_bucket,
        arrivals.age_bucket as to_bucket,
        arrivals.open_amount as amount
    from arrivals
    left join departures
        on
            arrivals.snapshot_index = departures.snapshot_index
            and arrivals.company_code = departures.company_code
            and arrivals.entry_id = departures.entry_id
    where departures.entry_id is null
),

arrivals_by_bucket as (
    select
        snapshot_index,
        company_code,
        age_bucket,
        sum(open_amount) as amount,
        count(*) as item_count
    from arrivals
    group by snapshot_index, company_code, age_bucket
),

-- items whose state held from p to s stay in their bucket: the bucket's
-- open amount at s less what arrived in it at s
stays as (
    select
        bucket_open.snapshot_index,
        bucket_open.company_code,
        bucket_open.age_bucket as from_bucket,
        bucket_open.age_bucket as to_bucket,
        bucket_open.open_at_snapshot - coalesce(arrivals_by_bucket.amount, 0) as amount,
        bucket_open.items_at_snapshot - coalesce(arrivals_by_bucket.item_count, 0) as item_count
    from bucket_open
    left join arrivals_by_bucket
        on
            bucket_open.snapshot_index = arrivals_by_bucket.snapshot_index
            and bucket_open.company_code = arrivals_by_bucket.company_code
            and bucket_open.age_bucket = arrivals_by_bucket.age_bucket
),

cells as (
    select
        snapshot_index,
        company_code,
        from_bucket,
        to_bucket,
        amount,
        1 as item_count
    from moves
    union all
    select
        snapshot_index,
        company_code,
        from_bucket,
        to_bucket,
        amount,
        item_count
    from stays
    where item_count <> 0
),

matrix as (
    select
        snapshot_index,
        company_code,
        from_bucket,
        to_bucket,
        sum(amount) as amount,
        sum(item_count) as item_count
    from cells
    group by snapshot_index, company_code, from_bucket, to_bucket
),

with_base as (
    select
        matrix.*,
        pairs.snapshot_date,
        pairs.previous_snapshot_date,
        pairs.is_latest,
        case
            when matrix.from_bucket = 'new'
                then sum(case when matrix.from_bucket = 'new' then matrix.amount else 0 end) over (
                        partition by matrix.snapshot_index, matrix.company_code
                    )
            else bucket_open.open_at_previous
        end as from_amount
    from matrix
    inner join pairs
        on matrix.snapshot_index = pairs.snapshot_index
    left join bucket_open
        on
            matrix.snapshot_index = bucket_open.snapshot_index
            and matrix.company_code = bucket_open.company_code
            and matrix.from_bucket = bucket_open.age_bucket
    where matrix.amount <> 0
)

select
    cast(with_base.snapshot_date as date) as snapshot_date,
    cast(with_base.previous_snapshot_date as date) as previous_snapshot_date,
    cast(with_base.company_code as {{ dbt.type_string() }}) as company_code,
    cast(with_base.from_bucket as {{ dbt.type_string() }}) as from_bucket,
    cast(
        case
            when with_base.from_bucket = 'new' then {{ new_order }}
            else from_buckets.age_bucket_order
        end as integer
    ) as from_bucket_order,
    cast(
        case when with_base.from_bucket = 'new' then 'Nouveau' else from_buckets.label_fr end
        as {{ dbt.type_string() }}
    ) as from_bucket_label_fr,
    cast(
        case when with_base.from_bucket = 'new' then 'New' else from_buckets.label_en end
        as {{ dbt.type_string() }}
    ) as from_bucket_label_en,
    cast(with_base.to_bucket as {{ dbt.type_string() }}) as to_bucket,
    cast(
        case
            when with_base.to_bucket = 'settled' then {{ settled_order }}
            else to_buckets.age_bucket_order
        end as integer
    ) as to_bucket_order,
    cast(
        case when with_base.to_bucket = 'settled' then 'Réglé' else to_buckets.label_fr end
        as {{ dbt.type_string() }}
    ) as to_bucket_label_fr,
    cast(
        case when with_base.to_bucket = 'settled' then 'Settled' else to_buckets.label_en end
        as {{ dbt.type_string() }}
    ) as to_bucket_label_en,
    cast(with_base.amount as decimal(18, 2)) as amount,
    cast(with_base.item_count as integer) as item_count,
    cast(with_base.from_amount as decimal(18, 2)) as from_amount,
    cast({{ ar_rate('with_base.amount', 'with_base.from_amount') }} as decimal(18, 6)) as roll_rate,
    cast(with_base.is_latest as boolean) as is_latest
from with_base
left join age_buckets as from_buckets
    on with_base.from_bucket = from_buckets.age_bucket
left join age_buckets as to_buckets
    on with_base.to_bucket = to_buckets.age_bucket
order by snapshot_date, company_code, from_bucket_order, to_bucket_order
