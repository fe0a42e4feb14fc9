KB_SEARCH.shard(["mk",{"mk":[2,2],"mkd":[2,2]}]);
