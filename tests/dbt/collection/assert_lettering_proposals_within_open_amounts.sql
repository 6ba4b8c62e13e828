{#- Lettering proposals never promise more than there is: the proposals on a
    debit never exceed its open amount as of the as-of date, those on a
    credit never exceed its absolute open amount, and both items are
    unlettered (no lettering group in effect), open, and of the same customer.
    Open amounts are read from the open-item intervals. -#}
with

proposals as (
    select * from {{ ref('fct_ar_lettering_proposals') }}
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

unlettered_open as (
    select
        intervals.company_code,
        intervals.entry_id,
        intervals.customer_code,
        intervals.item_side,
        abs(intervals.open_amount) as open_size
    from intervals
    cross join as_of
    where
        not intervals.is_after_lettering
        and intervals.valid_from <= as_of.as_of_date
        and (intervals.valid_until is null or intervals.valid_until > as_of.as_of_date)
),

proposed_by_item as (
    select
        company_code,
        debit_entry_id as entry_id,
        'debit' as item_side,
        customer_code,
        sum(proposed_amount) as proposed_amount
    from proposals
    group by company_code, debit_entry_id, customer_code
    union all
    select
        company_code,
        credit_entry_id as entry_id,
        'credit' as item_side,
        customer_code,
        sum(proposed_amount) as proposed_amount
    from proposals
    group by company_code, credit_entry_id, customer_code
)

select
    proposed_by_item.company_code,
    proposed_by_item.entry_id,
    proposed_by_item.item_side,
    proposed_by_item.proposed_amount,
    unlettered_open.open_size,
    unlettered_open.customer_code as item_customer_code,
    proposed_by_item.customer_code as proposal_customer_code
from proposed_by_item
left join unlettered_open
    on
        proposed_by_item.company_code = unlettered_open.company_code
        and proposed_by_item.entry_id = unlettered_open.entry_id
        and proposed_by_item.item_side = unlettered_open.item_side
where
    unlettered_open.entry_id is null
    or proposed_by_item.proposed_amount > unlettered_open.open_size
    or proposed_by_item.customer_code <> unlettered_open.customer_code
