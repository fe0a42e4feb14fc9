KB_SEARCH.shard(["pd",{"pdr":[0,8]}]);
