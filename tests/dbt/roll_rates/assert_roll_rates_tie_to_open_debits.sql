{#- The tie-out of DEFINITIONS §13, against an independent computation of
    the open debit amount per bucket: each open-item interval of a debit item
    (int_ledger__open_item_intervals) is cut by its due date and the
    `age_bucket_bounds` into the days it spends in each bucket; each piece
    enters the first snapshot on or after its first day and leaves the
    first snapshot on or after its end, and a running sum over the spine
    gives the open amount and item count of every bucket on every snapshot
    (no state runs, no ar_age_bucket, no item x week expansion). For every
    pair (p, s), company and bucket b:
    - the cells going to b add up to the open debit amount in b at s, and
      their item counts to the number of open debit items in b at s;
    - the from_amount of the rows from b is the open debit amount in b at p,
      and a bucket with something open at p has rows. -#}
{%- set buckets = ar_age_buckets() | rejectattr('kind', 'equalto', 'unapplied') | list %}

with

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

day_index as (
    select * from {{ ref('int_calendar__day_snapshot_index') }}
),

mart as (
    select * from {{ ref('fct_ar_roll_rates_weekly') }}
),

weekly as (
    select
        snapshot_date,
        snapshot_index,
        lag(snapshot_index) over (order by snapshot_date) as previous_snapshot_index
    from snapshots
    where is_weekly_date
),

pairs as (
    select
        weekly.snapshot_date,
        weekly.snapshot_index,
        weekly.previous_snapshot_index
    from weekly
    where weekly.previous_snapshot_index is not null
),

-- [piece_from, piece_until): the days the interval's item spends in the
-- bucket, from due date + lo (or the interval's start) to due date + hi + 1
-- (or the interval's end); an open-ended bound is rendered as the interval's own
pieces as (
    {%- for b in buckets %}
    {%- set first_day = ar_add_days('due_date', b.lo) if b.lo is not none else 'valid_from' %}
    {%- set end_day = ar_add_days('due_date', b.hi + 1) if b.hi is not none else 'cast(null as date)' %}
    select
        company_code,
        '{{ b.code }}' as age_bucket,
        open_amount,
        case when valid_from > {{ first_day }} then valid_from else {{ first_day }} end as piece_from,
        case
            when valid_until is null or valid_until > {{ end_day }} then {{ end_day }}
            else valid_until
        end as piece_until
    from intervals
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

movements as (
    select
        pieces.company_code,
        pieces.age_bucket,
        start_days.snapshot_index,
        pieces.open_amount as amount_change,
        1 as item_count_change
    from pieces
    inner join day_index as start_days
        on pieces.piece_from = start_days.date_day
    where pieces.piece_until is null or pieces.piece_from < pieces.piece_until
    union all
    select
        pieces.company_code,
        pieces.age_bucket,
        end_days.snapshot_index,
        -pieces.open_amount as amount_change,
        -1 as item_count_change
    from pieces
    inner join day_index as end_days
        on pieces.piece_until = end_days.date_day
    where pieces.piece_from < pieces.piece_until
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

companies as (
    select distinct company_code
    from intervals
),

bucket_codes as (
    {%- for b in buckets %}
    select '{{ b.code }}' as age_bucket{{ ' union all' if not loop.last }}
    {%- endfor %}
),

grid as (
    select
        companies.company_code,
        bucket_codes.age_bucket,
        snapshots.snapshot_index
    from companies
    cross join bucket_codes
    cross join snapshots
),

open_debits as (
    select
        grid.company_code,
        grid.age_bucket,
        grid.snapshot_index,
        sum(coalesce(net_movements.amount_change, 0)) over (
            partition by grid.company_code, grid.age_bucket
            order by grid.snapshot_index rows between unbounded preceding and current row
        ) as open_amount,
        sum(coalesce(net_movements.item_count_change, 0)) over (
            partition by grid.company_code, grid.age_bucket
            order by grid.snapshot_index rows between unbounded preceding and current row
        ) as item_count
    from grid
    left join net_movements
        on
            grid.company_code = net_movements.company_code
            and grid.age_bucket = net_movements.age_bucket
            and grid.snapshot_index = net_movements.snapshot_index
),

expected as (
    select
        pairs.snapshot_date,
        at_snapshot.company_code,
        at_snapshot.age_bucket,
        at_snapshot.open_amount as open_at_snapshot,
        at_snapshot.item_count as items_at_snapshot,
        at_previous.open_amount as open_at_previous
    from pairs
    inner join open_debits as at_snapshot
        on pairs.snapshot_index = at_snapshot.snapshot_index
    inner join open_debits as at_previous
        on
            pairs.previous_snapshot_index = at_previous.snapshot_index
            and at_snapshot.company_code = at_previous.company_code
            and at_snapshot.age_bucket = at_previous.age_bucket
),

arrived as (
    select
        snapshot_date,
        company_code,
        to_bucket as age_bucket,
        sum(amount) as amount,
        sum(item_count) as item_count
    from mart
    where to_bucket <> 'settled'
    group by snapshot_date, company_code, to_bucket
),

departed as (
    select
        snapshot_date,
        company_code,
        from_bucket as age_bucket,
        min(from_amount) as from_amount
    from mart
    where from_bucket <> 'new'
    group by snapshot_date, company_code, from_bucket
)

select
    expected.snapshot_date,
    expected.company_code,
    expected.age_bucket,
    expected.open_at_snapshot,
    arrived.amount as amount_to_bucket,
    expected.items_at_snapshot,
    arrived.item_count as items_to_bucket,
    expected.open_at_previous,
    departed.from_amount
from expected
left join arrived
    on
        expected.snapshot_date = arrived.snapshot_date
        and expected.company_code = arrived.company_code
        and expected.age_bucket = arrived.age_bucket
left join departed
    on
        expected.snapshot_date = departed.snapshot_date
        and expected.company_code = departed.company_code
        and expected.age_bucket = departed.age_bucket
where
    coalesce(arrived.amount, 0) <> expected.open_at_snapshot
    or coalesce(arrived.item_count, 0) <> expected.items_at_snapshot
    or coalesce(departed.from_amount, 0) <> expected.open_at_previous
