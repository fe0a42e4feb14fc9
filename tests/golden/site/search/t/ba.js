KB_SEARCH.shard(["ba",{"based":[0,8]}]);
