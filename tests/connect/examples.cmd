# The five configs of examples/maxcompute as SQL (secrets masked), and their plans.
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" run --print-sql -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 --bootstrap-servers localhost:9092 ../../examples/maxcompute/text.json
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" run --print-sql -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 --bootstrap-servers localhost:9092 ../../examples/maxcompute/csv.json
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" run --print-sql -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 --bootstrap-servers localhost:9092 ../../examples/maxcompute/json.json
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" run --print-sql -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 --bootstrap-servers localhost:9092 ../../examples/maxcompute/flatten.json
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" run --print-sql -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 -D ERROR_TOPIC_SERVERS=errors:9092 --bootstrap-servers localhost:9092 ../../examples/maxcompute/runtime-error.json
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 --bootstrap-servers localhost:9092 ../../examples/maxcompute/flatten.json
# The equivalent SQL scripts plan the same.
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 ../../examples/maxcompute/text.sql
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 ../../examples/maxcompute/csv.sql
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 ../../examples/maxcompute/json.sql
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 ../../examples/maxcompute/flatten.sql
SLUICE_SECRET_mc_access_key=S0uZvwDY "$SLUICE" explain -D MC_ENDPOINT=http://service.cn-shanghai.maxcompute.aliyun.com/api -D MC_PROJECT=project_name -D MC_ACCESS_ID=LTAI5tM2 ../../examples/maxcompute/runtime-error.sql
# An undefined variable is reported at the config's line and column.
"$SLUICE" run --bootstrap-servers localhost:9092 ../../examples/maxcompute/text.json
