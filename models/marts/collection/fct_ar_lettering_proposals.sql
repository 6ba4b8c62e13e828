{#- Lettering proposals (docs/definitions/02-lettering.md): which unlettered credit could settle
    which unlettered debit of the same customer, for how much, and why. Only
    proposals for the accountants: the official aged balance ignores them.

    Candidates: items open as of the as-of date whose lettering group (if
    any) has not taken effect by then, for their whole amount. Residuals of
    lettered groups are left out: they already carry a lettering code.

    Three rules, applied in order, each consuming what it proposes:
    (a) `reference`: the credit's reference contains the debit's document
        number (case-sensitive). A credit spreads over the debits it names in
        debit order (due date, posting date, entry id); a debit named by
        several credits takes them in credit order (posting date, entry id)
        up to its open amount. What a debit can no longer absorb is not
        moved to the credit's other debits: it goes on to the next rules.
    (b) `amount`: a credit whose remaining amount equals a debit's remaining
        amount exactly; among equal amounts the k-th credit in credit order
        takes the k-th debit in debit order (the oldest first).
    (c) `fifo`: what remains, credits in (posting date, entry id) order
        against debits in (due date, posting date, entry id) order, like the
        settlement of an unbalanced lettering group.
    No credit is proposed beyond its open amount, no debit beyond its own
    (tested). A pair proposed by two rules is one row: amounts added, the
    earlier rule kept. -#}
with

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

-- unlettered and open as of the as-of date, with their (positive) size
candidates as (
    select
        intervals.company_code,
        intervals.customer_code,
        intervals.entry_id,
        intervals.item_side,
        intervals.document_number,
        intervals.reference,
        intervals.posting_date,
        intervals.due_date,
        abs(intervals.open_amount) as open_size
    from intervals
    cross join as_of
    where
        not intervals.is_after_lettering
        and intervals.valid_from <= as_of.as_of_date
        and (intervals.valid_until is null or intervals.valid_until > as_of.as_of_date)
),

debits as (
    select * from candidates
    where item_side = 'debit'
),

credits as (
    select * from candidates
    where item_side = 'credit'
),

-- (a) reference: each credit first spreads over the debits it names ...
reference_pairs as (
    select
        credits.company_code,
        credits.customer_code,
        debits.entry_id as debit_entry_id,
        credits.entry_id as credit_entry_id,
        debits.open_size as debit_size,
        credits.open_size as credit_size,
        debits.due_date as debit_due_date,
        debits.posting_date as debit_posting_date,
        credits.posting_date as credit_posting_date
    from credits
    inner join debits
        on
            credits.company_code = debits.company_code
            and credits.customer_code = debits.customer_code
            and {{ dbt.position('debits.document_number', 'credits.reference') }} > 0
),

reference_claims as (
    select
        *,
        least(
            debit_size,
            greatest(
                0,
                credit_size - coalesce(sum(debit_size) over (
                    partition by company_code, credit_entry_id
                    order by debit_due_date, debit_posting_date, {{ ar_bytewise('debit_entry_id') }}
                    rows between unbounded preceding and 1 preceding
                ), 0)
            )
        ) as claimed_amount
    from reference_pairs
),

-- ... then each debit takes the claims on it in credit order, up to its size
reference_proposals as (
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        least(
            claimed_amount,
            greatest(
                0,
                debit_size - coalesce(sum(claimed_amount) over (
                    partition by company_code, debit_entry_id
                    order by credit_posting_date, {{ ar_bytewise('credit_entry_id') }}
                    rows between unbounded preceding and 1 preceding
                ), 0)
            )
        ) as proposed_amount
    from reference_claims
),

reference_consumed as (
    select
        company_code,
        debit_entry_id as entry_id,
        sum(proposed_amount) as consumed_amount
    from reference_proposals
    group by company_code, debit_entry_id
    union all
    select
        company_code,
        credit_entry_id as entry_id,
        sum(proposed_amount) as consumed_amount
    from reference_proposals
    group by company_code, credit_entry_id
),

after_reference as (
    select
        candidates.*,
        candidates.open_size - coalesce(reference_consumed.consumed_amount, 0) as remaining_size
    from candidates
    left join reference_consumed
        on
            candidates.company_code = reference_consumed.company_code
            and candidates.entry_id = reference_consumed.entry_id
),

-- (b) amount: the k-th credit and the k-th debit of one remaining amount
amount_ranked as (
    select
        *,
        row_number() over (
            partition by company_code, customer_code, item_side, remaining_size
            order by
                case when item_side = 'debit' then due_date end,
                posting_date,
                {{ ar_bytewise('entry_id') }}
        ) as amount_rank
    from after_reference
    where remaining_size > 0
),

amount_proposals as (
    select
        debits.company_code,
        debits.entry_id as debit_entry_id,
        credits.entry_id as credit_entry_id,
        debits.remaining_size as proposed_amount
    from amount_ranked as debits
    inner join amount_ranked as credits
        on
            debits.company_code = credits.company_code
            and debits.customer_code = credits.customer_code
            and debits.remaining_size = credits.remaining_size
            and debits.amount_rank = credits.amount_rank
    where debits.item_side = 'debit' and credits.item_side = 'credit'
),

amount_consumed as (
    select
        company_code,
        debit_entry_id as entry_id
    from amount_proposals
    union all
    select
        company_code,
        credit_entry_id as entry_id
    from amount_proposals
),

-- (c) fifo: two queues per customer, paired where their positions overlap
fifo_queued as (
    select
        after_reference.company_code,
        after_reference.customer_code,
        after_reference.entry_id,
        after_reference.item_side,
        after_reference.remaining_size,
        coalesce(sum(after_reference.remaining_size) over (
            partition by after_reference.company_code, after_reference.customer_code, after_reference.item_side
            order by
                case when after_reference.item_side = 'debit' then after_reference.due_date end,
                after_reference.posting_date,
                {{ ar_bytewise('after_reference.entry_id') }}
            rows between unbounded preceding and 1 preceding
        ), 0) as queue_start
    from after_reference
    left join amount_consumed
        on
            after_reference.company_code = amount_consumed.company_code
            and after_reference.entry_id = amount_consumed.entry_id
    where after_reference.remaining_size > 0 and amount_consumed.entry_id is null
),

fifo_proposals as (
    select
        debits.company_code,
        debits.entry_id as debit_entry_id,
        credits.entry_id as credit_entry_id,
        least(debits.queue_start + debits.remaining_size, credits.queue_start + credits.remaining_size)
        - greatest(debits.queue_start, credits.queue_start) as proposed_amount
    from fifo_queued as debits
    inner join fifo_queued as credits
        on
            debits.company_code = credits.company_code
            and debits.customer_code = credits.customer_code
            and debits.queue_start < credits.queue_start + credits.remaining_size
            and credits.queue_start < debits.queue_start + debits.remaining_size
    where debits.item_side = 'debit' and credits.item_side = 'credit'
),

proposals as (
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        proposed_amount,
        1 as rule_order
    from reference_proposals
    where proposed_amount > 0
    union all
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        proposed_amount,
        2 as rule_order
    from amount_proposals
    union all
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        proposed_amount,
        3 as rule_order
    from fifo_proposals
),

-- one row per pair: a pair proposed again by a later rule keeps the first
merged as (
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        sum(proposed_amount) as proposed_amount,
        min(rule_order) as rule_order
    from proposals
    group by company_code, debit_entry_id, credit_entry_id
)

select
    cast(merged.company_code as {{ dbt.type_string() }}) as company_code,
    cast(merged.debit_entry_id as {{ dbt.type_string() }}) as debit_entry_id,
    cast(merged.credit_entry_id as {{ dbt.type_string() }}) as credit_entry_id,
    cast(debits.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(merged.proposed_amount as decimal(18, 2)) as proposed_amount,
    cast(
        case merged.rule_order
            when 1 then 'reference'
            when 2 then 'amount'
            else 'fifo'
        end as {{ dbt.type_string() }}
    ) as match_rule,
    cast(debits.document_number as {{ dbt.type_string() }}) as debit_document_number,
    cast(credits.document_number as {{ dbt.type_string() }}) as credit_document_number,
    cast(debits.open_size as decimal(18, 2)) as debit_open_amount,
    cast(-credits.open_size as decimal(18, 2)) as credit_open_amount,
    cast(as_of.as_of_date as date) as as_of_date
from merged
cross join as_of
inner join debits
    on
        merged.company_code = debits.company_code
        and merged.debit_entry_id = debits.entry_id
inner join credits
    on
        merged.company_code = credits.company_code
        and merged.credit_entry_id = credits.entry_id
order by company_code, customer_code, debit_entry_id, credit_entry_id
