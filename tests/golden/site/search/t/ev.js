KB_SEARCH.shard(["ev",{"evidence":[0,8]}]);
