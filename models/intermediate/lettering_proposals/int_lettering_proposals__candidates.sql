{#- The candidates of the lettering proposals (DEFINITIONS §2): items open as
    of the as-of date whose lettering group (if any) has not taken effect by
    then, for their whole amount. Residuals of lettered groups are left out:
    they already carry a lettering code. One row per item, with its
    (positive) size. -#}
with

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
)

select
    intervals.company_code,
    intervals.customer_code,
    intervals.entry_id,
    intervals.item_side,
    intervals.document_number,
    intervals.reference,
    intervals.posting_date,
    intervals.due_date,
    -- two decimals on every engine (PostgreSQL's abs keeps numeric's own scale)
    cast(abs(intervals.open_amount) as decimal(18, 2)) as open_size,
    as_of.as_of_date
from intervals
cross join as_of
where
    not intervals.is_after_lettering
    and intervals.valid_from <= as_of.as_of_date
    and (intervals.valid_until is null or intervals.valid_until > as_of.as_of_date)
