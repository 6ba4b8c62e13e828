{#- Lettering proposals (docs/definitions/02-lettering.md): which unlettered credit could settle
    which unlettered debit of the same customer, for how much, and why. Only
    proposals for the accountants: the official aged balance ignores them.

    The candidates (int_lettering_proposals__candidates) and the three rules,
    applied in order, each consuming what it proposes, are one intermediate
    each in models/intermediate/lettering_proposals/: (a) `reference`,
    (b) `amount`, (c) `fifo`. This mart merges them: a pair proposed by two
    rules is one row, amounts added, the earlier rule kept. No credit is
    proposed beyond its open amount, no debit beyond its own (tested). -#}
with

candidates as (
    select * from {{ ref('int_lettering_proposals__candidates') }}
),

debits as (
    select * from candidates
    where item_side = 'debit'
),

credits as (
    select * from candidates
    where item_side = 'credit'
),

proposals as (
    {%- for rule in ['reference', 'amount', 'fifo'] %}
    select
        company_code,
        debit_entry_id,
        credit_entry_id,
        proposed_amount,
        {{ loop.index }} as rule_order
    from {{ ref('int_lettering_proposals__' ~ rule) }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
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
    cast(debits.as_of_date as date) as as_of_date
from merged
inner join debits
    on
        merged.company_code = debits.company_code
        and merged.debit_entry_id = debits.entry_id
inner join credits
    on
        merged.company_code = credits.company_code
        and merged.credit_entry_id = credits.entry_id
order by company_code, customer_code, debit_entry_id, credit_entry_id
