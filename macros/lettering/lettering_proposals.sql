{#- The lettering candidates (int_lettering_proposals__candidates) with what
    is left of each after the proposals of the earlier rules
    (`earlier_proposals`: relations with company_code, debit_entry_id,
    credit_entry_id, proposed_amount): each rule consumes what it proposes,
    on both sides (DEFINITIONS §2). Adds remaining_size. -#}
{% macro ar_lettering_remaining(earlier_proposals) -%}
    select
        candidates.*,
        candidates.open_size - coalesce(consumed.consumed_amount, 0) as remaining_size
    from {{ ref('int_lettering_proposals__candidates') }} as candidates
    left join (
        select
            company_code,
            entry_id,
            sum(proposed_amount) as consumed_amount
        from (
            {%- for proposals in earlier_proposals %}
            select
                company_code,
                debit_entry_id as entry_id,
                proposed_amount
            from {{ proposals }}
            union all
            select
                company_code,
                credit_entry_id as entry_id,
                proposed_amount
            from {{ proposals }}
            {{- ' union all' if not loop.last }}
            {%- endfor %}
        ) as proposed
        group by company_code, entry_id
    ) as consumed
        on
            candidates.company_code = consumed.company_code
            and candidates.entry_id = consumed.entry_id
{%- endmacro %}
