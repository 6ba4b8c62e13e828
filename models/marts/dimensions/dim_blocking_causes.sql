{#- The canonical blocking causes (docs/definitions/05-dunning-state.md) with FR / EN labels. -#}
select
    cast(blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    cast(sort_order as integer) as blocking_cause_order,
    cast(label_fr as {{ dbt.type_string() }}) as label_fr,
    cast(label_en as {{ dbt.type_string() }}) as label_en,
    cast(is_blocking as boolean) as is_blocking,
    cast(description as {{ dbt.type_string() }}) as description
from {{ ref('ar_blocking_causes') }}
