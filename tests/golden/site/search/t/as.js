KB_SEARCH.shard(["as",{"assistance":[1,2]}]);
