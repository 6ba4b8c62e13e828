{#- Every invoice item (document type `invoice`, debit side) in the books as
    of the as-of date with what the late-payment claim of its document needs
    (DEFINITIONS §17, docs/definitions/17-late-payment-and-credit-insurance.md):
    its settlement date, whether its terms exceed the legal maximum, and its
    statutory penalty so far.

    The penalty accrues every day t from the day after the due date to the
    as-of date on what is still open at the end of t, at the rate of t's
    half-year (ECB rate + margin) / 100 / 365. Both the open amount (an item
    is fully open until its lettering group takes effect, then owes its
    residual) and the rate (per half-year) are step functions, so instead of
    one row per day the item's open-amount intervals are cut by the penalty
    window and the half-years: each piece contributes amount x days x rate.
    `penalty_basis` keeps that sum exact (amount x days x percent); the
    document's penalty is rounded once, from the sum over its items. -#}
with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
    where amount > 0 and document_type = 'invoice'
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit' and document_type = 'invoice'
),

rates as (
    select * from {{ ref('int_claims__half_year_rates') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

items as (
    select
        entries.company_code,
        entries.entry_id,
        entries.customer_code,
        entries.document_number,
        entries.posting_date,
        entries.document_date,
        entries.due_date,
        entries.amount,
        -- settled on its group's effective date when nothing is left on it (§14)
        case
            when settlements.residual_amount = 0 and settlements.effective_date <= as_of.as_of_date
                then settlements.effective_date
        end as settled_on,
        as_of.as_of_date
    from entries
    cross join as_of
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
    where entries.posting_date <= as_of.as_of_date
),

-- each open-amount interval cut by the penalty window [due date + 1, as-of
-- date] and by the half-years it overlaps; every piece is at least a day
pieces as (
    select
        intervals.company_code,
        intervals.entry_id,
        intervals.open_amount,
        rates.penalty_rate_percent,
        rates.is_rate_carried_forward,
        greatest(
            intervals.valid_from,
            {{ ar_add_days('intervals.due_date', 1) }},
            rates.half_year_start_date
        ) as piece_start,
        least(
            coalesce(intervals.valid_until, {{ ar_add_days('as_of.as_of_date', 1) }}),
            {{ ar_add_days('as_of.as_of_date', 1) }},
            rates.next_half_year_start_date
        ) as piece_end
    from intervals
    cross join as_of
    inner join rates
        on
            as_of.as_of_date >= rates.half_year_start_date
            and intervals.valid_from < rates.next_half_year_start_date
            and {{ ar_add_days('intervals.due_date', 1) }} < rates.next_half_year_start_date
            and (intervals.valid_until is null or intervals.valid_until > rates.half_year_start_date)
    where
        intervals.valid_from <= as_of.as_of_date
        and intervals.due_date < as_of.as_of_date
        and (intervals.valid_until is null or intervals.valid_until > {{ ar_add_days('intervals.due_date', 1) }})
),

penalties as (
    select
        company_code,
        entry_id,
        sum({{ ar_days_between('piece_start', 'piece_end') }}) as penalty_days,
        cast(sum(
            cast(open_amount as decimal(18, 2))
            * {{ ar_days_between('piece_start', 'piece_end') }}
            * penalty_rate_percent
        ) as decimal(38, 6)) as penalty_basis,
        max(case when is_rate_carried_forward then 1 else 0 end) = 1 as rate_is_carried_forward
    from pieces
    group by company_code, entry_id
),

open_as_of as (
    select
        intervals.company_code,
        intervals.entry_id,
        intervals.open_amount
    from intervals
    cross join as_of
    where {{ ar_valid_on('intervals', 'as_of.as_of_date') }}
)

select
    items.company_code,
    items.entry_id,
    items.customer_code,
    items.document_number,
    items.posting_date,
    items.document_date,
    items.due_date,
    cast(items.amount as decimal(18, 2)) as amount,
    cast(coalesce(open_as_of.open_amount, 0) as decimal(18, 2)) as open_amount,
    items.settled_on,
    cast(coalesce(penalties.penalty_days, 0) as integer) as penalty_days,
    cast(coalesce(penalties.penalty_basis, 0) as decimal(38, 6)) as penalty_basis,
    -- penalty = basis / 100 / 365
    case
        when penalties.penalty_basis is null then cast(0 as decimal(18, 2))
        else {{ ar_round_cents('penalties.penalty_basis', 36500) }}
    end as penalty_amount,
    coalesce(penalties.rate_is_carried_forward, false) as rate_is_carried_forward,
    {{ ar_days_between('coalesce(items.document_date, items.posting_date)', 'items.due_date') }}
    > {{ var('legal_max_terms_days') }} as terms_exceed_legal_max,
    items.as_of_date
from items
left join penalties
    on
        items.company_code = penalties.company_code
        and items.entry_id = penalties.entry_id
left join open_as_of
    on
        items.company_code = open_as_of.company_code
        and items.entry_id = open_as_of.entry_id
