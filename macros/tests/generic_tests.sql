{#- Generic data tests written here because the package hub is out of reach. -#}

{#- No two rows share the same values of `columns` (the grain). -#}
{% test ar_unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Every row satisfies `expression`. -#}
{% test ar_expression_is_true(model, expression, where_clause=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}

{#- The column stays within [min_value, max_value] (either may be omitted). -#}
{% test ar_in_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}

{#- Within each partition, the half-open ranges [lower_bound, upper_bound) do
    not overlap (a null upper bound is open-ended): sorted by lower bound,
    each range ends before the next one starts. -#}
{% test ar_ranges_do_not_overlap(model, partition_by, lower_bound, upper_bound) %}
with

ordered as (
    select
        {{ partition_by | join(', ') }},
        {{ lower_bound }} as lower_bound,
        {{ upper_bound }} as upper_bound,
        lead({{ lower_bound }}) over (
            partition by {{ partition_by | join(', ') }}
            order by {{ lower_bound }}
        ) as next_lower_bound
    from {{ model }}
)

select *
from ordered
where
    next_lower_bound is not null
    and (upper_bound is null or upper_bound > next_lower_bound or next_lower_bound = lower_bound)
{% endtest %}

{#- Every combination of `columns` (none of them null) exists in `to` (its
    `fields`, default the same names): a relationships test over a composite
    key, such as (company_code, customer_code) into dim_customers. -#}
{% test ar_relationships_combination(model, columns, to, fields=none) %}
{%- set fields = fields or columns %}
with

child as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where
        {%- for column in columns %}
        {{ column }} is not null{{ ' and' if not loop.last }}
        {%- endfor %}
),

parent as (
    select distinct {{ fields | join(', ') }}
    from {{ to }}
)

select child.*
from child
left join parent
    on
        {%- for column in columns %}
        child.{{ column }} = parent.{{ fields[loop.index0] }}{{ ' and' if not loop.last }}
        {%- endfor %}
where parent.{{ fields[0] }} is null
{% endtest %}
